using System.Text.Json.Serialization;

namespace Baton.Web;

/// <summary>
/// One WebSocket message to a terminal page: "screen" (the pane now: data, cols, rows), "output"
/// (what the pane printed next: data), "ended" (reason; the socket closes after it).
/// </summary>
internal sealed record TerminalMessage(string Type, string? Data = null, int? Cols = null, int? Rows = null, string? Reason = null);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(TerminalMessage))]
[JsonSerializable(typeof(PaneTextBody))]
internal sealed partial class TerminalJsonContext : JsonSerializerContext;

/// <summary>GET /api/workers/{name}/pane: the pane's plain text for the phone view.</summary>
internal sealed record PaneTextBody(string Worker, string Text);
