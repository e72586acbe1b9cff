namespace Baton.Core.Handoff;

/// <summary>The <c>handoff:</c> section of config.yaml: when a worker's context is full enough to hand its ticket on, and each model's usable window.</summary>
public sealed record HandoffConfig
{
    /// <summary>Percent of the effective window at which the autopilot asks the agent for its section and hands over (<c>handoff.at</c>).</summary>
    public int At { get; init; } = 60;

    /// <summary>Percent at which the handoff happens at once from Baton's own record, without asking (<c>handoff.force</c>).</summary>
    public int Force { get; init; } = 80;

    /// <summary>How long an asked agent has to write its section before the forced path (<c>handoff.ask_timeout</c>).</summary>
    public TimeSpan AskTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Effective windows in tokens by model name or profile name (<c>handoff.windows</c>); they win over the built-in rules.</summary>
    public IReadOnlyDictionary<string, long> Windows { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);
}
