using System.Text.Json;
using Baton.Core.Usage;
using static Baton.Core.Agents.Streams.ClaudeStreamParser;
using static Baton.Core.Agents.Streams.StreamJson;

namespace Baton.Core.Agents.Streams;

/// <summary>
/// OpenCode's <c>run --format json</c> (1.18.33): one line per part, each with type, timestamp and
/// sessionID: step_start, tool_use (part.tool, part.state with status completed or error),
/// text, step_finish (part.reason tool-calls or stop, part.tokens {input, output, reasoning,
/// cache {read, write}}, part.cost) and error (error.name, error.data.statusCode). A step is one
/// model request, so its tokens are that request's: the context fill is its whole input.
/// Stateful: the first line with a session says the run started.
/// </summary>
public sealed class OpenCodeStreamParser : IAgentStreamParser
{
    private bool _started;

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
        if (!_started && Text(root, "sessionID") is { } session)
        {
            _started = true;
            events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Started, Message = "opencode session started", Metadata = Meta(("session_id", session)) });
        }

        var part = Get(root, "part");
        switch (Text(root, "type"))
        {
            case "tool_use" when part is { } p:
                Tool(p, events);
                break;
            case "step_finish" when part is { } p:
                StepFinish(p, events);
                break;
            case "error":
                Error(Get(root, "error"), events);
                break;
        }

        return events;
    }

    private static void Tool(JsonElement part, List<AgentStreamEvent> events)
    {
        var tool = Text(part, "tool");
        var state = Get(part, "state");
        var status = state is { } s ? Text(s, "status") : null;
        var input = state is { } s2 ? Get(s2, "input") : null;
        var detail = input is { } i ? Text(i, "command") ?? Text(i, "filePath") ?? Text(i, "pattern") : null;
        events.Add(new AgentStreamEvent
        {
            Kind = AgentStreamKind.ToolUse,
            Message = $"{tool ?? "tool"} {Short(detail, 160)}".TrimEnd(),
            Metadata = Meta(("tool", tool), ("call_id", Text(part, "callID")), ("status", status)),
        });
        if (status == "error")
        {
            events.Add(new AgentStreamEvent
            {
                Kind = AgentStreamKind.ToolError,
                Message = $"{tool ?? "tool"} failed: {Short(state is { } s3 ? Text(s3, "error") : null)}".TrimEnd(' ', ':'),
                Metadata = Meta(("tool", tool), ("call_id", Text(part, "callID"))),
            });
        }
    }

    private static void StepFinish(JsonElement part, List<AgentStreamEvent> events)
    {
        var reason = Text(part, "reason");
        if (reason == "stop")
        {
            events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Result, Message = "turn completed", Metadata = Meta(("is_error", "false")) });
        }

        if (Get(part, "tokens") is not { } tokens)
        {
            return;
        }

        var cache = Get(tokens, "cache");
        var read = cache is { } c ? Long(c, "read") ?? 0 : 0;
        var write = cache is { } c2 ? Long(c2, "write") ?? 0 : 0;
        var input = Long(tokens, "input") ?? 0;
        var cost = Decimal(part, "cost");
        var added = new TokenUsage(input, Long(tokens, "output") ?? 0, write, read, cost is > 0 ? cost : null);
        if (!added.IsEmpty)
        {
            events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Usage, Usage = added });
        }

        if (input + read + write > 0)
        {
            events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Context, Context = new ContextFill(input + read + write, null, null) });
        }
    }

    private static void Error(JsonElement? error, List<AgentStreamEvent> events)
    {
        var data = error is { } e ? Get(e, "data") : null;
        var message = data is { } d ? Text(d, "message") : null;
        var status = data is { } d2 ? Long(d2, "statusCode") : null;
        var code = status is { } st ? Invariant(st) : null;
        events.Add(new AgentStreamEvent
        {
            Kind = AgentStreamKind.Result,
            Message = $"run failed: {Short(message)}".TrimEnd(' ', ':'),
            Metadata = Meta(("is_error", "true"), ("api_error_status", code)),
        });
        events.Add(new AgentStreamEvent
        {
            Kind = AgentStreamKind.Error,
            Message = $"agent error: {(error is { } e2 ? Text(e2, "name") : null) ?? "error"}: {Short(message)}",
            Metadata = Meta(("is_error", "true"), ("api_error_status", code)),
        });
        if (status == 429 || RateLimits.IsLimit(message))
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
}
