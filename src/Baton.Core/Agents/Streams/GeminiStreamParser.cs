using System.Text.Json;
using System.Text.RegularExpressions;
using Baton.Core.Usage;
using static Baton.Core.Agents.Streams.ClaudeStreamParser;
using static Baton.Core.Agents.Streams.StreamJson;

namespace Baton.Core.Agents.Streams;

/// <summary>
/// Gemini CLI's <c>-p ... --output-format stream-json</c> (0.61.0): init (session_id, model),
/// message (user; assistant deltas), tool_use (tool_name, tool_id, parameters), tool_result
/// (tool_id, status, output) and one final result (status success or error, stats). Usage comes
/// only with the result, summed over the run and over every model it called (the router side
/// request included). Gemini counts cached tokens inside input_tokens, so fresh input is input
/// minus cached. An API error is a result with status error whose message quotes the HTTP body.
/// </summary>
public sealed partial class GeminiStreamParser : IAgentStreamParser
{
    public IReadOnlyList<AgentStreamEvent> Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        using var doc = TryParse(line);
        if (doc is null)
        {
            return [];
        }

        var root = doc.RootElement;
        var events = new List<AgentStreamEvent>();
        switch (Text(root, "type"))
        {
            case "init":
                var model = Text(root, "model");
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.Started,
                    Message = $"gemini session started ({model ?? "?"})",
                    // "auto" names the router, not a model: it says nothing about the context window.
                    Metadata = Meta(("session_id", Text(root, "session_id")), ("model", model is "auto" ? null : model)),
                });
                break;
            case "tool_use":
                var name = Text(root, "tool_name");
                var parameters = Get(root, "parameters");
                var detail = parameters is { } p ? Text(p, "command") ?? Text(p, "file_path") ?? Text(p, "dir_path") : null;
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.ToolUse,
                    Message = $"{name ?? "tool"} {Short(detail, 160)}".TrimEnd(),
                    Metadata = Meta(("tool", name), ("tool_id", Text(root, "tool_id"))),
                });
                break;
            case "tool_result" when Text(root, "status") is { } status && status != "success":
                var error = Get(root, "error") is { } e ? Text(e, "message") : Text(root, "output");
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.ToolError,
                    Message = $"tool {status}: {Short(error)}".TrimEnd(' ', ':'),
                    Metadata = Meta(("tool_id", Text(root, "tool_id")), ("status", status)),
                });
                break;
            case "result":
                Result(root, events);
                break;
        }

        return events;
    }

    private static void Result(JsonElement root, List<AgentStreamEvent> events)
    {
        var failed = Text(root, "status") == "error";
        var message = Get(root, "error") is { } error ? Text(error, "message") : null;
        var status = message is not null && ApiStatus().Match(message) is { Success: true } m ? m.Groups[1].Value : null;
        events.Add(new AgentStreamEvent
        {
            Kind = AgentStreamKind.Result,
            Message = failed ? $"run failed: {Short(message)}".TrimEnd(' ', ':') : "run completed",
            Metadata = Meta(("is_error", failed ? "true" : "false"), ("api_error_status", status)),
        });
        if (failed)
        {
            events.Add(new AgentStreamEvent
            {
                Kind = AgentStreamKind.Error,
                Message = $"agent error: {Short(message)}",
                Metadata = Meta(("is_error", "true"), ("api_error_status", status)),
            });
            if (RateLimits.IsLimit(message) || status == "429")
            {
                var after = RateLimits.RetryAfter(message);
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.RateLimit,
                    Message = Short(message),
                    RetryAfter = after,
                    Metadata = Meta(("retry_after_s", after is { } a ? Invariant((long)Math.Ceiling(a.TotalSeconds)) : null)),
                });
            }
        }

        if (Get(root, "stats") is not { } stats)
        {
            return;
        }

        var input = Long(stats, "input_tokens") ?? 0;
        var cached = Long(stats, "cached") ?? 0;
        var added = new TokenUsage(Math.Max(0, input - cached), Long(stats, "output_tokens") ?? 0, 0, cached);
        if (!added.IsEmpty)
        {
            events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Usage, Usage = added });
        }
    }

    // "[API Error: {"error":{"code":400,...}}]"
    [GeneratedRegex("\"code\"\\s*:\\s*(\\d{3})")]
    private static partial Regex ApiStatus();
}
