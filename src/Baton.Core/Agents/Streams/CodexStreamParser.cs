using System.Text.Json;
using Baton.Core.Usage;
using static Baton.Core.Agents.Streams.ClaudeStreamParser;
using static Baton.Core.Agents.Streams.StreamJson;

namespace Baton.Core.Agents.Streams;

/// <summary>
/// Codex's <c>exec --json</c>: thread.started, turn.started, item.started / item.completed
/// (command_execution with its exit code, file_change, agent_message, error), turn.completed with
/// the turn's usage, error and turn.failed. OpenAI counts cached tokens inside input_tokens, so
/// fresh input here is input minus cached minus cache-written. Codex reports usage per turn, not per
/// request, so the context fill is the turn's input: an upper bound of the last request's.
/// </summary>
public sealed class CodexStreamParser : IAgentStreamParser
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
            case "thread.started":
                events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Started, Message = "codex thread started", Metadata = Meta(("thread_id", Text(root, "thread_id"))) });
                break;
            case "item.completed" when Get(root, "item") is { } item:
                Item(item, events);
                break;
            case "turn.completed":
                TurnCompleted(root, events);
                break;
            case "error":
                Failure(Text(root, "message"), "error", events);
                break;
            case "turn.failed":
                var message = Get(root, "error") is { } error ? Text(error, "message") : null;
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.Result,
                    Message = $"turn failed: {Short(message)}".TrimEnd(' ', ':'),
                    Metadata = Meta(("is_error", "true")),
                });
                Failure(message, "turn.failed", events);
                break;
        }

        return events;
    }

    private static void Item(JsonElement item, List<AgentStreamEvent> events)
    {
        switch (Text(item, "type"))
        {
            case "command_execution":
                var command = Text(item, "command");
                var code = Long(item, "exit_code");
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.ToolUse,
                    Message = $"command {Short(command, 160)}" + (code is { } c ? $" (exit {Invariant(c)})" : ""),
                    Metadata = Meta(("tool", "command_execution"), ("item_id", Text(item, "id")), ("exit_code", code is { } c2 ? Invariant(c2) : null)),
                });
                if (code is not (null or 0) || Text(item, "status") == "failed")
                {
                    events.Add(new AgentStreamEvent
                    {
                        Kind = AgentStreamKind.ToolError,
                        Message = $"command failed (exit {(code is { } c3 ? Invariant(c3) : "?")}): {Short(command, 160)}",
                        Metadata = Meta(("tool", "command_execution"), ("item_id", Text(item, "id")), ("exit_code", code is { } c4 ? Invariant(c4) : null)),
                    });
                }

                break;
            case "file_change":
                var paths = Get(item, "changes") is { ValueKind: JsonValueKind.Array } changes
                    ? changes.EnumerateArray().Select(ch => $"{Text(ch, "kind") ?? "change"} {Text(ch, "path")}").ToList()
                    : [];
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.ToolUse,
                    Message = "file change: " + (paths.Count == 0 ? "?" : Short(string.Join(", ", paths), 200)),
                    Metadata = Meta(("tool", "file_change"), ("item_id", Text(item, "id")), ("status", Text(item, "status"))),
                });
                if (Text(item, "status") == "failed")
                {
                    events.Add(new AgentStreamEvent { Kind = AgentStreamKind.ToolError, Message = "file change failed", Metadata = Meta(("tool", "file_change"), ("item_id", Text(item, "id"))) });
                }

                break;
            case "error":
                // An error item does not end the turn (e.g. "Model metadata ... not found").
                var text = Text(item, "message");
                events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Warning, Message = Short(text), Metadata = Meta(("item_id", Text(item, "id"))) });
                if (RateLimits.IsLimit(text))
                {
                    events.Add(Limit(text));
                }

                break;
        }
    }

    private static void TurnCompleted(JsonElement root, List<AgentStreamEvent> events)
    {
        events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Result, Message = "turn completed", Metadata = Meta(("is_error", "false")) });
        if (Get(root, "usage") is not { } usage)
        {
            return;
        }

        var input = Long(usage, "input_tokens") ?? 0;
        var cached = Long(usage, "cached_input_tokens") ?? 0;
        var written = Long(usage, "cache_write_input_tokens") ?? 0;
        var added = new TokenUsage(Math.Max(0, input - cached - written), Long(usage, "output_tokens") ?? 0, written, cached);
        if (!added.IsEmpty)
        {
            events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Usage, Usage = added });
        }

        if (input > 0)
        {
            events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Context, Context = new ContextFill(input, null, null) });
        }
    }

    private static void Failure(string? message, string source, List<AgentStreamEvent> events)
    {
        events.Add(new AgentStreamEvent
        {
            Kind = AgentStreamKind.Error,
            Message = $"agent error: {Short(message)}",
            Metadata = Meta(("is_error", "true"), ("source", source)),
        });
        if (RateLimits.IsLimit(message))
        {
            events.Add(Limit(message));
        }
    }

    private static AgentStreamEvent Limit(string? text)
    {
        var after = RateLimits.RetryAfter(text);
        return new AgentStreamEvent
        {
            Kind = AgentStreamKind.RateLimit,
            Message = Short(text),
            RetryAfter = after,
            Metadata = Meta(("retry_after_s", after is { } a ? Invariant((long)Math.Ceiling(a.TotalSeconds)) : null)),
        };
    }
}
