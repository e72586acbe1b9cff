using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>
/// The subset of the Gemini API (v1beta) that Gemini CLI 0.61.0 uses:
/// <c>models/M:streamGenerateContent?alt=sse</c> for the agent's steps, answered with
/// <c>data: GenerateContentResponse</c> lines (functionCall or text parts, finishReason STOP and
/// usageMetadata in the last), and <c>models/M:generateContent</c> for its JSON-mode side requests
/// (the model router's complexity score), answered from the request's schema.
/// </summary>
public static class GeminiWire
{
    public static bool Serves(string path) => path.StartsWith("/v1beta/models/", StringComparison.Ordinal)
        && (path.EndsWith(":streamGenerateContent", StringComparison.Ordinal) || path.EndsWith(":generateContent", StringComparison.Ordinal));

    public static bool IsStreaming(string path) => path.EndsWith(":streamGenerateContent", StringComparison.Ordinal);

    /// <summary>The model named in the path (…/models/M:op).</summary>
    public static string Model(string path)
    {
        var name = path["/v1beta/models/".Length..];
        return name[..name.IndexOf(':', StringComparison.Ordinal)];
    }

    public static IReadOnlyList<SseEvent> Answer(ModelStep step, string id, string model)
    {
        ArgumentNullException.ThrowIfNull(step);
        var chunks = new List<JsonObject>();
        if (step.Kind == StepKind.Say)
        {
            // Streamed in two pieces, as the real API does for longer text.
            var text = step.Text;
            var pieces = text.Length > 3 ? new[] { text[..2], text[2..] } : [text];
            chunks.AddRange(pieces.Select(p => Chunk(new JsonObject { ["text"] = p }, model)));
        }
        else
        {
            var (name, args) = Call(step);
            chunks.Add(Chunk(new JsonObject { ["functionCall"] = new JsonObject { ["id"] = "call_" + id, ["name"] = name, ["args"] = args } }, model));
        }

        var last = chunks[^1];
        last["candidates"]![0]!["finishReason"] = "STOP";
        last["usageMetadata"] = Usage(step.Usage);
        return chunks.Select(c => new SseEvent("", c)).ToList();
    }

    /// <summary>One whole answer for generateContent: the side request's JSON as text, no usage.</summary>
    public static JsonObject SideAnswer(JsonNode? body)
    {
        var schema = body?["generationConfig"]?["responseJsonSchema"] ?? body?["generationConfig"]?["responseSchema"];
        var text = schema is null ? "OK" : Sample(schema).ToJsonString();
        var answer = Chunk(new JsonObject { ["text"] = text }, "scripted");
        answer["candidates"]![0]!["finishReason"] = "STOP";
        answer["usageMetadata"] = Usage(ModelUsage.Zero);
        return answer;
    }

    public static JsonObject Error(ModelStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        var status = step.Status switch { 429 => "RESOURCE_EXHAUSTED", 400 => "INVALID_ARGUMENT", _ => "INTERNAL" };
        return new JsonObject { ["error"] = new JsonObject { ["code"] = step.Status, ["message"] = step.Text, ["status"] = status } };
    }

    /// <summary>The call ids whose responses the last user turn carries (functionResponse.id).</summary>
    public static IReadOnlyList<string> ToolResults(JsonNode? body) =>
        body?["contents"] is JsonArray { Count: > 0 } contents && contents[^1]?["parts"] is JsonArray parts
            ? parts.Select(p => p?["functionResponse"]?["id"]?.GetValue<string>()).Where(i => i is not null).Select(i => i!).ToList()
            : [];

    /// <summary>Side requests: JSON mode (the router), or no tools at all.</summary>
    public static bool IsSide(JsonNode? body) =>
        body?["generationConfig"]?["responseMimeType"]?.GetValue<string>() == "application/json"
        || body?["generationConfig"]?["responseJsonSchema"] is not null
        || body?["tools"] is not JsonArray { Count: > 0 };

    private static (string Name, JsonObject Args) Call(ModelStep step) => step.Kind switch
    {
        StepKind.WriteFile => ("write_file", new JsonObject { ["file_path"] = step.Text, ["content"] = step.Content }),
        StepKind.Run => ("run_shell_command", new JsonObject { ["command"] = step.Text, ["description"] = "scripted command" }),
        StepKind.Tool => (step.Text, (JsonObject)step.Input!.DeepClone()),
        _ => throw new InvalidOperationException($"Gemini CLI has no {step.Kind} tool"),
    };

    private static JsonObject Chunk(JsonObject part, string model) => new()
    {
        ["candidates"] = new JsonArray(new JsonObject
        {
            ["content"] = new JsonObject { ["role"] = "model", ["parts"] = new JsonArray(part) },
            ["index"] = 0,
        }),
        ["modelVersion"] = model,
    };

    // Gemini counts cached tokens inside the prompt count.
    private static JsonObject Usage(ModelUsage u) => new()
    {
        ["promptTokenCount"] = u.Input + u.CacheRead,
        ["cachedContentTokenCount"] = u.CacheRead,
        ["candidatesTokenCount"] = u.Output,
        ["totalTokenCount"] = u.Input + u.CacheRead + u.Output,
    };

    /// <summary>A value for a JSON schema: the router wants complexity_score, an integer from 1 to 100 (a 0 fails its validation).</summary>
    private static JsonNode Sample(JsonNode schema)
    {
        var type = schema["type"]?.GetValue<string>()?.ToUpperInvariant();
        if (schema["enum"] is JsonArray { Count: > 0 } options)
        {
            return options[0]!.DeepClone();
        }

        if (type == "OBJECT" || schema["properties"] is not null)
        {
            var o = new JsonObject();
            foreach (var (key, value) in schema["properties"]?.AsObject() ?? [])
            {
                o[key] = value is null ? "ok" : Sample(value);
            }

            return o;
        }

        return type switch
        {
            "ARRAY" => new JsonArray(),
            "INTEGER" or "NUMBER" => schema["minimum"]?.DeepClone() ?? JsonValue.Create(1),
            "BOOLEAN" => JsonValue.Create(false),
            _ => JsonValue.Create("scripted"),
        };
    }
}
