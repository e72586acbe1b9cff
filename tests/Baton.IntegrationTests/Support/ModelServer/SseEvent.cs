using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>One server-sent event: its name and its JSON data, framed as both APIs frame them.</summary>
public sealed record SseEvent(string Name, JsonObject Data)
{
    public string Format() => $"event: {Name}\ndata: {Data.ToJsonString()}\n\n";
}
