using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>
/// The OpenAI Chat Completions API as OpenCode 1.18.33 uses it through @ai-sdk/openai-compatible:
/// <c>POST /v1/chat/completions</c>, always streaming, answered with chat.completion.chunk lines
/// (a tool call's id and name, then its arguments in pieces, or the text), a chunk with
/// finish_reason, one with no choices and the usage, then <c>data: [DONE]</c>.
/// </summary>
public static class ChatWire
{
    public static bool Serves(string path) => path.EndsWith("/chat/completions", StringComparison.Ordinal);

    public static IReadOnlyList<SseEvent> Answer(ModelStep step, string id, string model)
    {
        ArgumentNullException.ThrowIfNull(step);
        var events = new List<SseEvent>();
        void Add(JsonObject? delta, string? finish = null, JsonObject? usage = null)
        {
            var chunk = new JsonObject
            {
                ["id"] = "chatcmpl-" + id, ["object"] = "chat.completion.chunk", ["created"] = 1_796_000_000, ["model"] = model,
                ["choices"] = delta is null ? new JsonArray() : new JsonArray(new JsonObject { ["index"] = 0, ["delta"] = delta, ["finish_reason"] = finish }),
            };
            if (usage is not null)
            {
                chunk["usage"] = usage;
            }

            events.Add(new SseEvent("", chunk));
        }

        if (step.Kind == StepKind.Say)
        {
            Add(new JsonObject { ["role"] = "assistant", ["content"] = "" });
            var text = step.Text;
            foreach (var piece in text.Length > 3 ? new[] { text[..2], text[2..] } : [text])
            {
                Add(new JsonObject { ["content"] = piece });
            }

            Add(new JsonObject(), "stop");
        }
        else
        {
            var (name, args) = Call(step);
            var json = args.ToJsonString();
            Add(new JsonObject
            {
                ["role"] = "assistant", ["content"] = null,
                ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["id"] = "call_" + id, ["type"] = "function", ["function"] = new JsonObject { ["name"] = name, ["arguments"] = "" } }),
            });
            foreach (var piece in new[] { json[..(json.Length / 2)], json[(json.Length / 2)..] })
            {
                Add(new JsonObject { ["tool_calls"] = new JsonArray(new JsonObject { ["index"] = 0, ["function"] = new JsonObject { ["arguments"] = piece } }) });
            }

            Add(new JsonObject(), "tool_calls");
        }

        var u = step.Usage;
        Add(null, usage: new JsonObject
        {
            ["prompt_tokens"] = u.Input + u.CacheRead,
            ["completion_tokens"] = u.Output,
            ["total_tokens"] = u.Input + u.CacheRead + u.Output,
            ["prompt_tokens_details"] = new JsonObject { ["cached_tokens"] = u.CacheRead },
        });
        events.Add(new SseEvent("", new JsonObject()) { Raw = "data: [DONE]\n\n" });
        return events;
    }

    public static JsonObject Error(ModelStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new JsonObject { ["error"] = new JsonObject { ["message"] = step.Text, ["type"] = step.ErrorType, ["code"] = null, ["param"] = null } };
    }

    /// <summary>The ids of the tool calls whose results the messages carry (role tool).</summary>
    public static IReadOnlyList<string> ToolResults(JsonNode? body) =>
        body?["messages"] is JsonArray messages
            ? messages.Where(m => m?["role"]?.GetValue<string>() == "tool").Select(m => m?["tool_call_id"]?.GetValue<string>() ?? "").ToList()
            : [];

    /// <summary>OpenCode's title request (system "You are a title generator...") has no tools.</summary>
    public static bool IsSide(JsonNode? body) => body?["tools"] is not JsonArray { Count: > 0 };

    private static (string Name, JsonObject Args) Call(ModelStep step) => step.Kind switch
    {
        StepKind.WriteFile => ("write", new JsonObject { ["filePath"] = step.Text, ["content"] = step.Content }),
        StepKind.Run => ("bash", new JsonObject { ["command"] = step.Text, ["description"] = "scripted command" }),
        StepKind.Tool => (step.Text, (JsonObject)step.Input!.DeepClone()),
        _ => throw new InvalidOperationException($"OpenCode has no {step.Kind} tool"),
    };
}
