using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Core.Handoff;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(HandoffPacket))]
internal sealed partial class HandoffJsonContext : JsonSerializerContext
{
}

/// <summary>A packet as the file in .baton/handoff/ and the store hold it (snake_case JSON).</summary>
public static class HandoffJson
{
    public static string Write(HandoffPacket packet) => JsonSerializer.Serialize(packet, HandoffJsonContext.Default.HandoffPacket);

    public static HandoffPacket Read(string json) =>
        JsonSerializer.Deserialize(json, HandoffJsonContext.Default.HandoffPacket) ?? throw new JsonException("the packet file holds null");
}
