using System.Globalization;
using Baton.Core;
using Baton.Core.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Baton.Infrastructure.Config;

/// <summary>
/// Reads YAML through YamlDotNet's node model (no reflection, AOT-safe) so every error can name
/// the file, line and column and say what was expected. Unknown keys are errors, not ignored.
/// </summary>
public sealed class YamlDocument
{
    private YamlDocument(string source, YamlMappingNode root)
    {
        Source = source;
        Root = root;
    }

    public string Source { get; }
    public YamlMappingNode Root { get; }

    public static YamlDocument Parse(string source, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            // The end mark is where the parser found the problem; the start can be lines earlier.
            throw new BatonException($"{source}:{e.End.Line}:{e.End.Column}: invalid YAML: {Clean(e.Message)}", BatonException.UsageExitCode);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
        {
            return new YamlDocument(source, new YamlMappingNode());
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode map)
        {
            throw Error(source, stream.Documents[0].RootNode, "expected a mapping of keys to values at the top level");
        }

        return new YamlDocument(source, map);
    }

    public static BatonException Error(string source, YamlNode node, string message)
    {
        ArgumentNullException.ThrowIfNull(node);
        return new BatonException($"{source}:{node.Start.Line}:{node.Start.Column}: {message}", BatonException.UsageExitCode);
    }

    public BatonException Error(YamlNode node, string message) => Error(Source, node, message);

    /// <summary>Fails on any key not in <paramref name="allowed"/>, listing the allowed ones.</summary>
    public void AllowOnly(YamlMappingNode map, params string[] allowed)
    {
        ArgumentNullException.ThrowIfNull(map);
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(name, StringComparer.Ordinal))
            {
                throw Error(key, $"unknown field '{name}'; expected one of: {string.Join(", ", allowed)}");
            }
        }
    }

    public YamlNode? Node(YamlMappingNode map, string key)
    {
        ArgumentNullException.ThrowIfNull(map);
        return map.Children.TryGetValue(new YamlScalarNode(key), out var node) ? node : null;
    }

    public YamlMappingNode? Map(YamlMappingNode map, string key) => Node(map, key) switch
    {
        null => null,
        YamlMappingNode m => m,
        YamlScalarNode { Value: null or "" } => null,
        var other => throw Error(other, $"'{key}' must be a mapping (key: value lines)"),
    };

    public string? String(YamlMappingNode map, string key) => Node(map, key) switch
    {
        null => null,
        YamlScalarNode s => s.Value,
        var other => throw Error(other, $"'{key}' must be a single text value"),
    };

    public int? Int(YamlMappingNode map, string key, int min, int max)
    {
        var node = Node(map, key);
        if (node is null)
        {
            return null;
        }

        if (node is not YamlScalarNode s || !int.TryParse(s.Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            throw Error(node, $"'{key}' must be a whole number between {min} and {max}");
        }

        if (value < min || value > max)
        {
            throw Error(node, $"'{key}' is {value}; allowed range is {min} to {max}");
        }

        return value;
    }

    /// <summary>A whole-number key within its range in <see cref="ConfigSchema"/>.</summary>
    public int? Int(YamlMappingNode map, ConfigKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Int(map, key.Name, (int)key.IntMin, (int)key.IntMax);
    }

    /// <summary>A duration key within its range in <see cref="ConfigSchema"/>.</summary>
    public TimeSpan? Duration(YamlMappingNode map, ConfigKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Duration(map, key.Name, key.DurationMin, key.DurationMax);
    }

    /// <summary>A duration written as <c>500ms</c>, <c>30s</c>, <c>10m</c>, <c>2h</c> or plain seconds, within [min, max].</summary>
    public TimeSpan? Duration(YamlMappingNode map, string key, TimeSpan min, TimeSpan max)
    {
        var node = Node(map, key);
        if (node is null)
        {
            return null;
        }

        var range = $"{Show(min)} to {Show(max)}";
        if (node is not YamlScalarNode { Value: { } text } || ParseDuration(text) is not { } value)
        {
            throw Error(node, $"'{key}' must be a duration such as 30s, 10m or 1h; allowed range is {range}");
        }

        if (value < min || value > max)
        {
            throw Error(node, $"'{key}' is {text}; allowed range is {range}");
        }

        return value;
    }

    public bool? Bool(YamlMappingNode map, string key) => Node(map, key) switch
    {
        null => null,
        YamlScalarNode { Value: "true" or "yes" or "on" } => true,
        YamlScalarNode { Value: "false" or "no" or "off" } => false,
        var other => throw Error(other, $"'{key}' must be true or false"),
    };

    /// <summary>The one of <paramref name="allowed"/> written, or null when absent.</summary>
    public string? Choice(YamlMappingNode map, string key, params string[] allowed)
    {
        var value = String(map, key);
        if (value is not null && !allowed.Contains(value, StringComparer.Ordinal))
        {
            throw Error(Node(map, key)!, $"'{key}' is '{value}'; allowed values are {string.Join(", ", allowed)}");
        }

        return value;
    }

    /// <summary>One of <paramref name="allowed"/>'s texts, read as its value; null when the key is absent.</summary>
    public T? Choice<T>(YamlMappingNode map, string key, params (string Text, T Value)[] allowed)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var text = Choice(map, key, allowed.Select(a => a.Text).ToArray());
        return text is null ? null : allowed.First(a => a.Text == text).Value;
    }

    internal static TimeSpan? ParseDuration(string text) => Durations.Parse(text, bareSeconds: true);

    private static string Show(TimeSpan t) => Durations.Format(t);

    public IReadOnlyList<string>? List(YamlMappingNode map, string key)
    {
        var node = Node(map, key);
        return node switch
        {
            null => null,
            YamlSequenceNode seq => seq.Children.Select(c => c is YamlScalarNode { Value: { } v } ? v : throw Error(c, $"'{key}' must be a list of text values")).ToList(),
            var other => throw Error(other, $"'{key}' must be a list, for example [\"a\", \"b\"]"),
        };
    }

    public IReadOnlyDictionary<string, string>? Dictionary(YamlMappingNode map, string key)
    {
        var sub = Map(map, key);
        if (sub is null)
        {
            return null;
        }

        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (k, v) in sub.Children)
        {
            if (k is not YamlScalarNode { Value: { } name } || v is not YamlScalarNode value)
            {
                throw Error(v, $"'{key}' must map names to text values");
            }

            result[name] = value.Value ?? "";
        }

        return result;
    }

    private static string Clean(string message)
    {
        var i = message.IndexOf("): ", StringComparison.Ordinal);
        return i >= 0 ? message[(i + 3)..] : message;
    }
}
