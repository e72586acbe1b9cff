namespace Baton.Cli.Rendering;

public sealed record DoctorCheckJson(string Name, string Status, string Detail, string? Fix);

/// <summary>`baton doctor --json`: <see cref="Ok"/> is false when any check failed.</summary>
public sealed record DoctorJson(bool Ok, IReadOnlyList<DoctorCheckJson> Checks);
