using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>
/// One request the server got and what it answered. <see cref="Step"/> is the script step served
/// (-1 for a side request, such as Claude Code's title request, or an exhausted script);
/// <see cref="Reported"/> the usage the answer carried.
/// </summary>
public sealed record RecordedRequest(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Headers,
    JsonNode? Body,
    int Step,
    int Status,
    ModelUsage Reported,
    IReadOnlyList<string> ToolResults)
{
    public bool IsSide => Step < 0 && Status == 200 && Body is not null;

    public IReadOnlyList<string> ToolNames =>
        Body?["tools"] is JsonArray tools
            ? tools.SelectMany(t => t?["functionDeclarations"] is JsonArray declarations
                    ? declarations.Select(d => d?["name"]?.GetValue<string>() ?? "") // Gemini
                    : [t?["name"]?.GetValue<string>() ?? t?["function"]?["name"]?.GetValue<string>() ?? t?["type"]?.GetValue<string>() ?? ""])
                .ToList()
            : [];
}
