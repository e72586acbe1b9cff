using System.Text.Json.Serialization;

namespace Baton.Core.Events;

/// <summary>One line of `baton events import`.</summary>
public sealed record EventImportLine(string? Type, string? Message, string? Worker, string? Ticket, string? Commit);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(EventImportLine))]
internal sealed partial class EventImportJsonContext : JsonSerializerContext
{
}
