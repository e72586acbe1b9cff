namespace Baton.Core.Synthesis;

/// <summary>What `baton synthesize` asks for: finished tickets to review together.</summary>
public sealed record SynthesisRequest
{
    public required IReadOnlyList<string> Tickets { get; init; }

    /// <summary>The agent profile; null: the role's default, then the configuration's.</summary>
    public string? Agent { get; init; }

    public string Role { get; init; } = SynthesisService.DefaultRole;

    /// <summary>What the reviewer should look at especially (appended to its prompt).</summary>
    public string? Focus { get; init; }

    public TimeSpan Timeout { get; init; } = TimeSpan.FromMinutes(15);
}

/// <summary>A stored synthesis: its id (S-yyyyMMdd-HHmmss), files, the report and its lists.</summary>
public sealed record SynthesisOutcome(
    string Id, string ReportFile, string JsonFile, IReadOnlyList<string> Tickets, string Report, SynthesisSections Sections, string Worker, string Agent, int? ExitCode);
