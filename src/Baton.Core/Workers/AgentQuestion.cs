namespace Baton.Core.Workers;

/// <summary>One question for a headless agent that answers and exits (a plan, a synthesis).</summary>
public sealed record AgentQuestion
{
    public required string Prompt { get; init; }

    /// <summary>The folder the agent runs in (the repository root: it reads the code).</summary>
    public required string Directory { get; init; }

    /// <summary>The role it answers as (planner, synthesizer); its context goes with the question.</summary>
    public string? Role { get; init; }

    /// <summary>The agent profile; null: the role's default, then the configuration's.</summary>
    public string? Agent { get; init; }

    /// <summary>What it is for, in progress lines ("planning").</summary>
    public string Purpose { get; init; } = "answering";

    /// <summary>How long it may take before it is stopped.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>What the agent printed (redacted, the tail of its log) and who answered.</summary>
public sealed record AgentAnswer(string Output, string Worker, string Agent, int? ExitCode);
