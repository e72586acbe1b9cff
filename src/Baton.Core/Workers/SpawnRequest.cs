namespace Baton.Core.Workers;

public sealed record SpawnRequest
{
    public string? Name { get; init; }
    public string? Agent { get; init; }
    public string? Role { get; init; }
    public required string Directory { get; init; }
    public string Prompt { get; init; } = "";
    public bool Headless { get; init; }

    /// <summary>The ticket this worker is started for (the autopilot), recorded on its row.</summary>
    public long? Ticket { get; init; }

    /// <summary>The ticket's branch, given to the agent as BATON_BRANCH.</summary>
    public string? Branch { get; init; }

    /// <summary>Sandbox settings of this spawn (<c>--sandbox</c>), over the role's and the project's.</summary>
    public Sandbox.SandboxSettings? Sandbox { get; init; }

    /// <summary>Extra environment for the agent (after the profile's own).</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
}
