using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>
/// One server-sent event: its name and its JSON data, framed as the Anthropic and Responses APIs
/// frame them; without a name only the data line (Gemini, Chat Completions); <see cref="Raw"/> as given
/// (Chat Completions' closing <c>data: [DONE]</c>).
/// </summary>
public sealed record SseEvent(string Name, JsonObject Data)
{
    public string? Raw { get; init; }

    public string Format() => Raw ?? (Name.Length == 0 ? $"data: {Data.ToJsonString()}\n\n" : $"event: {Name}\ndata: {Data.ToJsonString()}\n\n");
}
