using System.Text.Json;
using System.Text.Json.Serialization;
using Baton.Core.Planning;

namespace Baton.Cli.Rendering;

public sealed record PlanErrorJson(string Kind, string Location, string Message)
{
    public static PlanErrorJson From(PlanError e) => new(e.Kind, e.Location, e.Message);
}

public sealed record PlanTicketJson(
    string Key, string? Id, string Title, string Body, string? Role, string? Speciality, string? Priority, int Layer,
    IReadOnlyList<string> DependsOn, IReadOnlyList<string> Paths, IReadOnlyList<string> Acceptance, IReadOnlyList<string> Labels);

public sealed record PlanRoundJson(int Number, string Worker, string Agent, int? ExitCode, IReadOnlyList<PlanErrorJson> Errors);

/// <summary>`baton plan --json`: the graph (with the filed ids), its layers, and each round's errors.</summary>
public sealed record PlanJson(
    bool Valid, bool DryRun, bool Filed, string Schema, string? Summary,
    IReadOnlyList<PlanTicketJson> Tickets, IReadOnlyList<IReadOnlyList<string>> Layers,
    IReadOnlyList<PlanErrorJson> Errors, IReadOnlyList<PlanRoundJson> Rounds)
{
    public static PlanJson From(PlanOutcome o)
    {
        ArgumentNullException.ThrowIfNull(o);
        var layerOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var l = 0; l < o.Layers.Count; l++)
        {
            foreach (var key in o.Layers[l])
            {
                layerOf[key] = l + 1;
            }
        }

        var tickets = (o.Graph?.Tickets ?? []).Select((t, i) => new PlanTicketJson(
            t.Key, o.Filed.Count > i ? o.Filed[i].Id : null, t.Title, t.Body, t.Role, t.Speciality, t.Priority,
            layerOf.TryGetValue(t.Key, out var layer) ? layer : 0, t.DependsOn, t.Paths, t.Acceptance, t.Labels)).ToList();
        return new PlanJson(o.Valid, o.DryRun, o.Filed.Count > 0, o.SchemaFile, o.Graph?.Summary, tickets, o.Layers,
            o.Errors.Select(PlanErrorJson.From).ToList(),
            o.Rounds.Select(r => new PlanRoundJson(r.Number, r.Worker, r.Agent, r.ExitCode, r.Errors.Select(PlanErrorJson.From).ToList())).ToList());
    }
}

/// <summary>JSON of `baton plan` and `baton synthesize` (a context of its own beside <see cref="CliJsonContext"/>).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PlanJson))]
internal sealed partial class PlanJsonContext : JsonSerializerContext
{
    private static PlanJsonContext? _readable;

    /// <summary>
    /// Readable text (quotes and non-ASCII as they are), still valid JSON. Made on first use, not
    /// in a static initialiser: the generated Default must exist first. A race makes two equal copies.
    /// </summary>
    public static PlanJsonContext Readable => _readable ??= new(new JsonSerializerOptions(Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
