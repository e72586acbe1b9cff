using System.Globalization;
using System.Text.Json;

namespace Baton.Mcp;

/// <summary>A tool call's arguments, read by name with the types the schema promises; a wrong type is the caller's error.</summary>
public sealed class ToolArguments
{
    private readonly IReadOnlyDictionary<string, JsonElement> _values;

    public ToolArguments(IReadOnlyDictionary<string, JsonElement>? values)
    {
        _values = values ?? new Dictionary<string, JsonElement>();
    }

    public IReadOnlyDictionary<string, JsonElement> Values => _values;

    public string? String(string name)
    {
        if (!_values.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new McpToolException($"'{name}' must be a string"),
        };
    }

    public string Required(string name) =>
        String(name) is { Length: > 0 } value ? value : throw new McpToolException($"'{name}' is required");

    public int? Integer(string name)
    {
        if (!_values.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (v.ValueKind == JsonValueKind.Number && v.TryGetInt32(out var n))
        {
            return n;
        }

        if (v.ValueKind == JsonValueKind.String && int.TryParse(v.GetString(), NumberStyles.Integer, CultureInfo.InvariantCulture, out n))
        {
            return n;
        }

        throw new McpToolException($"'{name}' must be a whole number");
    }

    public bool Flag(string name) =>
        _values.TryGetValue(name, out var v) && v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False or JsonValueKind.Null => false,
            _ => throw new McpToolException($"'{name}' must be true or false"),
        };

    public IReadOnlyList<string> Strings(string name)
    {
        if (!_values.TryGetValue(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            return [];
        }

        if (v.ValueKind == JsonValueKind.String)
        {
            return [v.GetString()!];
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw new McpToolException($"'{name}' must be a list of strings");
        }

        return v.EnumerateArray().Select(e => e.ValueKind switch
        {
            JsonValueKind.String => e.GetString()!,
            JsonValueKind.Number => e.GetRawText(),
            _ => throw new McpToolException($"'{name}' must be a list of strings"),
        }).ToList();
    }

    public JsonElement? Element(string name) =>
        _values.TryGetValue(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;
}
