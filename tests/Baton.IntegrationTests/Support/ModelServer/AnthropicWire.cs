using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>
/// The subset of the Anthropic Messages API that Claude Code uses, as REAL-AGENTS.md records it:
/// message_start (usage), ping, per block content_block_start / _delta / _stop, message_delta
/// (stop_reason, usage) and message_stop.
/// </summary>
public static class AnthropicWire
{
    // Claude Code assembles tool input from pieces; small pieces prove the server's framing is
    // what the client re-joins, not one lucky whole.
    private const int JsonPiece = 24;

    public static IReadOnlyList<SseEvent> Answer(ModelStep step, string id, string model)
    {
        ArgumentNullException.ThrowIfNull(step);
        var u = step.Usage;
        var events = new List<SseEvent>
        {
            new("message_start", new JsonObject
            {
                ["type"] = "message_start",
                ["message"] = new JsonObject
                {
                    ["id"] = "msg_" + id,
                    ["type"] = "message",
                    ["role"] = "assistant",
                    ["model"] = model,
                    ["content"] = new JsonArray(),
                    ["stop_reason"] = null,
                    ["stop_sequence"] = null,
                    ["usage"] = Usage(u.Input, u.CacheCreation, u.CacheRead, Math.Min(1, u.Output)),
                },
            }),
            new("ping", new JsonObject { ["type"] = "ping" }),
        };

        string stopReason;
        if (step.IsToolCall)
        {
            var (name, input) = Tool(step);
            events.Add(Block("content_block_start", 0, "content_block", new JsonObject
            {
                ["type"] = "tool_use", ["id"] = "toolu_" + id, ["name"] = name, ["input"] = new JsonObject(),
            }));
            var json = input.ToJsonString();
            for (var i = 0; i < json.Length; i += JsonPiece)
            {
                events.Add(Block("content_block_delta", 0, "delta", new JsonObject
                {
                    ["type"] = "input_json_delta", ["partial_json"] = json.Substring(i, Math.Min(JsonPiece, json.Length - i)),
                }));
            }

            stopReason = "tool_use";
        }
        else
        {
            events.Add(Block("content_block_start", 0, "content_block", new JsonObject { ["type"] = "text", ["text"] = "" }));
            events.Add(Block("content_block_delta", 0, "delta", new JsonObject { ["type"] = "text_delta", ["text"] = step.Text }));
            stopReason = "end_turn";
        }

        events.Add(new("content_block_stop", new JsonObject { ["type"] = "content_block_stop", ["index"] = 0 }));
        events.Add(new("message_delta", new JsonObject
        {
            ["type"] = "message_delta",
            ["delta"] = new JsonObject { ["stop_reason"] = stopReason, ["stop_sequence"] = null },
            ["usage"] = Usage(u.Input, u.CacheCreation, u.CacheRead, u.Output),
        }));
        events.Add(new("message_stop", new JsonObject { ["type"] = "message_stop" }));
        return events;
    }

    public static JsonObject Error(ModelStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new JsonObject
        {
            ["type"] = "error",
            ["error"] = new JsonObject { ["type"] = step.ErrorType, ["message"] = step.Text },
        };
    }

    /// <summary>The tool_use ids whose results the request carries.</summary>
    public static IReadOnlyList<string> ToolResults(JsonNode? body)
    {
        var ids = new List<string>();
        if (body?["messages"] is not JsonArray messages)
        {
            return ids;
        }

        foreach (var message in messages)
        {
            if (message?["content"] is JsonArray blocks)
            {
                ids.AddRange(blocks
                    .Where(b => b?["type"]?.GetValue<string>() == "tool_result")
                    .Select(b => b?["tool_use_id"]?.GetValue<string>() ?? ""));
            }
        }

        return ids;
    }

    /// <summary>
    /// A request that is not the agent's main loop: no tools (Claude Code's title request, which
    /// asks for JSON with a title property through output_config).
    /// </summary>
    public static bool IsSide(JsonNode? body) => body?["tools"] is not JsonArray { Count: > 0 };

    public static string SideAnswer(JsonNode? body) =>
        body?["output_config"] is not null || (body?.ToJsonString().Contains("\"title\"", StringComparison.Ordinal) ?? false)
            ? "{\"title\": \"Scripted session\"}"
            : "OK";

    private static (string Name, JsonObject Input) Tool(ModelStep step) => step.Kind switch
    {
        StepKind.WriteFile => ("Write", new JsonObject { ["file_path"] = step.Text, ["content"] = step.Content }),
        StepKind.Run => ("Bash", new JsonObject { ["command"] = step.Text, ["description"] = "Run " + step.Text }),
        StepKind.Tool => (step.Text, (JsonObject)step.Input!.DeepClone()),
        _ => throw new InvalidOperationException($"a {step.Kind} step has no Claude Code tool: use WriteFile, Run or Tool"),
    };

    private static SseEvent Block(string name, int index, string key, JsonObject value) =>
        new(name, new JsonObject { ["type"] = name, ["index"] = index, [key] = value });

    private static JsonObject Usage(long input, long cacheCreation, long cacheRead, long output) => new()
    {
        ["input_tokens"] = input,
        ["cache_creation_input_tokens"] = cacheCreation,
        ["cache_read_input_tokens"] = cacheRead,
        ["output_tokens"] = output,
    };
}
