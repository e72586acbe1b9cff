namespace Baton.Infrastructure.Diagnostics;

/// <summary>One finding of `baton doctor`: <see cref="Status"/> is ok, warn or fail; <see cref="Fix"/> says what to do when it is not ok.</summary>
public sealed record DoctorCheck(string Name, string Status, string Detail, string? Fix = null)
{
    public const string Ok = "ok";
    public const string Warn = "warn";
    public const string Fail = "fail";
}
