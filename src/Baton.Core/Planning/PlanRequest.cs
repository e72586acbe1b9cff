namespace Baton.Core.Planning;

/// <summary>What `baton plan` (and the MCP `plan` tool) asks for.</summary>
public sealed record PlanRequest
{
    /// <summary>The work to plan, in the user's words.</summary>
    public required string Request { get; init; }

    /// <summary>The feature the filed tickets belong to (it must exist).</summary>
    public string? Feature { get; init; }

    /// <summary>Validate and show, file nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>The agent profile; null: the role's default, then the configuration's.</summary>
    public string? Agent { get; init; }

    public string Role { get; init; } = PlanService.DefaultRole;

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);
}
