using System.Text.Json.Serialization;
using Baton.Core.Synthesis;

namespace Baton.Cli.Rendering;

/// <summary>`baton synthesize --json`: where the report is stored, its lists and its text.</summary>
public sealed record SynthesisJson(
    string Id, IReadOnlyList<string> Tickets, string Report, string Json, string Worker, string Agent, int? ExitCode,
    IReadOnlyList<string> Conflicts, IReadOnlyList<string> Gaps, IReadOnlyList<string> FollowUps, string Text)
{
    public static SynthesisJson From(SynthesisOutcome o)
    {
        ArgumentNullException.ThrowIfNull(o);
        return new(o.Id, o.Tickets, o.ReportFile, o.JsonFile, o.Worker, o.Agent, o.ExitCode, o.Sections.Conflicts, o.Sections.Gaps, o.Sections.FollowUps, o.Report);
    }
}

/// <summary>JSON of `baton synthesize` (a context of its own).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(SynthesisJson))]
internal sealed partial class SynthesisJsonContext : JsonSerializerContext
{
}
