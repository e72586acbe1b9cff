using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>
/// The subset of the OpenAI Responses API that Codex uses: response.created, output_item.added,
/// output_text.delta, output_item.done (function_call exec_command, custom_tool_call apply_patch,
/// or an assistant message) and response.completed with usage.
/// </summary>
public static class OpenAiWire
{
    public static IReadOnlyList<SseEvent> Answer(ModelStep step, string id, string model)
    {
        ArgumentNullException.ThrowIfNull(step);
        var item = Item(step, id);
        var response = new JsonObject
        {
            ["id"] = "resp_" + id,
            ["object"] = "response",
            ["model"] = model,
            ["status"] = "in_progress",
            ["output"] = new JsonArray(),
        };
        var events = new List<SseEvent>
        {
            new("response.created", new JsonObject { ["type"] = "response.created", ["response"] = response.DeepClone() }),
            new("response.output_item.added", new JsonObject
            {
                ["type"] = "response.output_item.added", ["output_index"] = 0, ["item"] = Pending(item),
            }),
        };
        if (step.Kind == StepKind.Say)
        {
            events.Add(new("response.output_text.delta", new JsonObject
            {
                ["type"] = "response.output_text.delta", ["item_id"] = item["id"]!.GetValue<string>(), ["output_index"] = 0, ["content_index"] = 0, ["delta"] = step.Text,
            }));
        }

        events.Add(new("response.output_item.done", new JsonObject
        {
            ["type"] = "response.output_item.done", ["output_index"] = 0, ["item"] = item.DeepClone(),
        }));
        var u = step.Usage;
        response["status"] = "completed";
        response["output"] = new JsonArray(item);
        response["usage"] = new JsonObject
        {
            ["input_tokens"] = u.Input + u.CacheRead,
            ["input_tokens_details"] = new JsonObject { ["cached_tokens"] = u.CacheRead },
            ["output_tokens"] = u.Output,
            ["output_tokens_details"] = new JsonObject { ["reasoning_tokens"] = 0 },
            ["total_tokens"] = u.Input + u.CacheRead + u.Output,
        };
        events.Add(new("response.completed", new JsonObject { ["type"] = "response.completed", ["response"] = response }));
        return events;
    }

    public static JsonObject Error(ModelStep step)
    {
        ArgumentNullException.ThrowIfNull(step);
        return new JsonObject
        {
            ["error"] = new JsonObject { ["type"] = step.ErrorType, ["message"] = step.Text, ["code"] = step.ErrorType },
        };
    }

    /// <summary>The call ids whose outputs the request carries (function_call_output, custom_tool_call_output).</summary>
    public static IReadOnlyList<string> ToolResults(JsonNode? body) =>
        body?["input"] is JsonArray input
            ? input.Where(i => i?["type"]?.GetValue<string>() is "function_call_output" or "custom_tool_call_output")
                .Select(i => i?["call_id"]?.GetValue<string>() ?? "").ToList()
            : [];

    /// <summary>
    /// A request outside the agent's turn: no tools, or (Codex's TUI title request, "Generate a
    /// concise, single-line task title ...") <c>apply_patch</c> alone: Codex 0.169.0 attaches it to
    /// that request, and served a script step it would run it.
    /// </summary>
    public static bool IsSide(JsonNode? body) =>
        body?["tools"] is not JsonArray { Count: > 0 } tools
        || tools.All(t => t?["name"]?.GetValue<string>() == "apply_patch");

    private static JsonObject Item(ModelStep step, string id) => step.Kind switch
    {
        StepKind.Run => new JsonObject
        {
            ["type"] = "function_call", ["id"] = "fc_" + id, ["call_id"] = "call_" + id, ["name"] = "exec_command", ["status"] = "completed",
            ["arguments"] = new JsonObject { ["cmd"] = step.Text }.ToJsonString(),
        },
        StepKind.Tool => new JsonObject
        {
            ["type"] = "function_call", ["id"] = "fc_" + id, ["call_id"] = "call_" + id, ["name"] = step.Text, ["status"] = "completed",
            ["arguments"] = step.Input!.ToJsonString(),
        },
        StepKind.Patch or StepKind.WriteFile => new JsonObject
        {
            ["type"] = "custom_tool_call", ["id"] = "ctc_" + id, ["call_id"] = "call_" + id, ["name"] = "apply_patch", ["status"] = "completed",
            ["input"] = step.Kind == StepKind.Patch ? step.Text : ModelStep.AddFilePatch(step.Text, step.Content),
        },
        _ => new JsonObject
        {
            ["type"] = "message", ["id"] = "msg_" + id, ["role"] = "assistant", ["status"] = "completed",
            ["content"] = new JsonArray(new JsonObject { ["type"] = "output_text", ["text"] = step.Text, ["annotations"] = new JsonArray() }),
        },
    };

    // The item as first announced: in progress, and a message still without its text.
    private static JsonObject Pending(JsonObject item)
    {
        var copy = (JsonObject)item.DeepClone();
        copy["status"] = "in_progress";
        if (copy["type"]?.GetValue<string>() == "message")
        {
            copy["content"] = new JsonArray();
        }

        return copy;
    }
}
