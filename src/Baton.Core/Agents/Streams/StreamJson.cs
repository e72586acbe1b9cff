using System.Globalization;
using System.Text.Json;

namespace Baton.Core.Agents.Streams;

/// <summary>Tolerant readers over a parsed line: a missing or mistyped property is null, never an exception.</summary>
internal static class StreamJson
{
    public static JsonDocument? TryParse(string line)
    {
        var trimmed = line.AsSpan().Trim();
        if (trimmed.Length < 2 || trimmed[0] != '{')
        {
            return null;
        }

        try
        {
            return JsonDocument.Parse(line);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static JsonElement? Get(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined) ? v : null;

    public static string? Text(JsonElement e, string name) => Get(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    public static long? Long(JsonElement e, string name) => Get(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n
        : Get(e, name) is { ValueKind: JsonValueKind.Number } d && d.TryGetDouble(out var x) ? (long)x : null;

    public static decimal? Decimal(JsonElement e, string name) => Get(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetDecimal(out var n) ? n : null;

    public static bool Bool(JsonElement e, string name) => Get(e, name) is { ValueKind: JsonValueKind.True };

    public static string Invariant(long n) => n.ToString(CultureInfo.InvariantCulture);

    public static string Invariant(decimal n) => n.ToString(CultureInfo.InvariantCulture);

    /// <summary>The first line of a text, at most <paramref name="max"/> characters, for event messages.</summary>
    public static string Short(string? text, int max = 200)
    {
        if (string.IsNullOrEmpty(text))
        {
            return "";
        }

        var line = text.Split('\n', 2)[0].Trim();
        return line.Length <= max ? line : line[..(max - 1)] + "…";
    }
}
