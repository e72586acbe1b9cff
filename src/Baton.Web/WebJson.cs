using System.Text.Json.Serialization;

namespace Baton.Web;

internal sealed record ErrorBody(string Error);

internal sealed record SessionBody(string Csrf);

internal sealed record SendBody(string? Text);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ErrorBody))]
[JsonSerializable(typeof(SessionBody))]
[JsonSerializable(typeof(SendBody))]
internal sealed partial class WebJsonContext : JsonSerializerContext
{
}
