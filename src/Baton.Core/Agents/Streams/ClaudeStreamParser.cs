using System.Globalization;
using System.Text.Json;
using Baton.Core.Usage;
using static Baton.Core.Agents.Streams.StreamJson;

namespace Baton.Core.Agents.Streams;

/// <summary>
/// Claude Code's <c>--output-format stream-json --verbose</c>: system/init, assistant messages
/// (tool_use blocks, per-request usage), user tool results, system/api_retry, system/hook_*, and a
/// result per turn. Tokens are taken from each result's <c>usage</c> (the turn's own figures; the
/// assistant events carry the output count of the stream's start, not its end); the cost from
/// <c>total_cost_usd</c>, which is cumulative over the session, so only its growth is added.
/// </summary>
public sealed class ClaudeStreamParser : IAgentStreamParser
{
    private readonly Dictionary<string, string> _tools = new(StringComparer.Ordinal);
    private decimal _costSoFar;
    private string? _model;

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
            case "system":
                SystemEvent(root, events);
                break;
            case "assistant":
                Assistant(root, events);
                break;
            case "user":
                ToolResults(root, events);
                break;
            case "result":
                Result(root, events);
                break;
        }

        return events;
    }

    private void SystemEvent(JsonElement root, List<AgentStreamEvent> events)
    {
        switch (Text(root, "subtype"))
        {
            case "init":
                _model = Text(root, "model") ?? _model;
                var version = Text(root, "claude_code_version");
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.Started,
                    Message = $"claude {version ?? "(version unknown)"} started" + (_model is null ? "" : $" (model {_model})"),
                    Metadata = Meta(("agent_version", version), ("model", _model), ("session_id", Text(root, "session_id")), ("permission_mode", Text(root, "permissionMode"))),
                });
                break;
            case "api_retry":
                var status = Long(root, "error_status");
                var delay = Get(root, "retry_delay_ms") is { ValueKind: JsonValueKind.Number } d ? d.GetDouble() : (double?)null;
                var attempt = Long(root, "attempt");
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.Retry,
                    Message = $"API call retried (attempt {attempt?.ToString(CultureInfo.InvariantCulture) ?? "?"}"
                        + $"/{Long(root, "max_retries")?.ToString(CultureInfo.InvariantCulture) ?? "?"}): status {status?.ToString(CultureInfo.InvariantCulture) ?? "?"} {Text(root, "error")}".TrimEnd(),
                    Metadata = Meta(("attempt", attempt is { } a ? Invariant(a) : null), ("status", status is { } s ? Invariant(s) : null),
                        ("delay_ms", delay is { } ms ? Invariant((long)ms) : null), ("error", Text(root, "error"))),
                });
                if (status == 429)
                {
                    events.Add(Limit($"API rate limit (429), retry {attempt?.ToString(CultureInfo.InvariantCulture) ?? "?"}", delay is { } w ? TimeSpan.FromMilliseconds(w) : null));
                }

                break;
            case "hook_response":
                var outcome = Text(root, "outcome");
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.Hook,
                    Message = $"hook {Text(root, "hook_name") ?? Text(root, "hook_event") ?? "?"}: {outcome ?? "?"}",
                    Metadata = Meta(("hook_event", Text(root, "hook_event")), ("outcome", outcome), ("exit_code", Long(root, "exit_code") is { } c ? Invariant(c) : null)),
                });
                break;
        }
    }

    private void Assistant(JsonElement root, List<AgentStreamEvent> events)
    {
        if (Get(root, "message") is not { } message)
        {
            return;
        }

        if (Get(message, "content") is { ValueKind: JsonValueKind.Array } content)
        {
            foreach (var block in content.EnumerateArray())
            {
                if (Text(block, "type") != "tool_use")
                {
                    continue;
                }

                var name = Text(block, "name") ?? "?";
                var id = Text(block, "id");
                if (id is not null)
                {
                    _tools[id] = name;
                }

                var target = Get(block, "input") is { } input ? Text(input, "file_path") ?? Text(input, "command") ?? Text(input, "path") ?? Text(input, "pattern") : null;
                events.Add(new AgentStreamEvent
                {
                    Kind = AgentStreamKind.ToolUse,
                    Message = target is null ? name : $"{name} {Short(target, 160)}",
                    Metadata = Meta(("tool", name), ("tool_use_id", id)),
                });
            }
        }

        // The request's input (fresh + cache) is how full the context was. A synthetic message
        // (an API error turned into text) used no tokens and says nothing about the context.
        var model = Text(message, "model");
        if (Get(message, "usage") is { } usage && model != "<synthetic>")
        {
            var tokens = (Long(usage, "input_tokens") ?? 0) + (Long(usage, "cache_creation_input_tokens") ?? 0) + (Long(usage, "cache_read_input_tokens") ?? 0);
            if (tokens > 0)
            {
                var name = model ?? _model;
                events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Context, Context = new ContextFill(tokens, ContextWindows.For(_model ?? name), name) });
            }
        }
    }

    private void ToolResults(JsonElement root, List<AgentStreamEvent> events)
    {
        if (Get(root, "message") is not { } message || Get(message, "content") is not { ValueKind: JsonValueKind.Array } content)
        {
            return;
        }

        foreach (var block in content.EnumerateArray())
        {
            if (Text(block, "type") != "tool_result" || !Bool(block, "is_error"))
            {
                continue;
            }

            var id = Text(block, "tool_use_id");
            var tool = id is not null && _tools.TryGetValue(id, out var t) ? t : "tool";
            var text = Get(block, "content") is { ValueKind: JsonValueKind.String } s ? s.GetString()
                : Get(block, "content") is { ValueKind: JsonValueKind.Array } parts ? string.Join(" ", parts.EnumerateArray().Select(p => Text(p, "text")).Where(p => p is not null)) : null;
            events.Add(new AgentStreamEvent
            {
                Kind = AgentStreamKind.ToolError,
                Message = $"{tool} failed: {Short(text)}",
                Metadata = Meta(("tool", tool), ("tool_use_id", id)),
            });
        }
    }

    private void Result(JsonElement root, List<AgentStreamEvent> events)
    {
        var isError = Bool(root, "is_error");
        var apiStatus = Long(root, "api_error_status");
        var total = Decimal(root, "total_cost_usd");
        var text = Text(root, "result");
        var turns = Long(root, "num_turns");
        var subtype = Text(root, "subtype");
        events.Add(new AgentStreamEvent
        {
            Kind = AgentStreamKind.Result,
            Message = $"result {subtype ?? "?"}{(isError ? " (error)" : "")}: {Short(text)}".TrimEnd(' ', ':'),
            Metadata = Meta(("subtype", subtype), ("is_error", isError ? "true" : "false"), ("api_error_status", apiStatus is { } a ? Invariant(a) : null),
                ("num_turns", turns is { } n ? Invariant(n) : null), ("duration_ms", Long(root, "duration_ms") is { } ms ? Invariant(ms) : null),
                ("total_cost_usd", total is { } c ? Invariant(c) : null)),
        });
        if (isError)
        {
            events.Add(new AgentStreamEvent
            {
                Kind = AgentStreamKind.Error,
                Message = apiStatus is { } st ? $"API error {Invariant(st)}: {Short(text)}" : $"agent error: {Short(text)}",
                Metadata = Meta(("is_error", "true"), ("api_error_status", apiStatus is { } s2 ? Invariant(s2) : null), ("subtype", subtype)),
            });
            if (apiStatus == 429 || (apiStatus is null && RateLimits.IsLimit(text)))
            {
                events.Add(Limit(Short(text), RateLimits.RetryAfter(text)));
            }
        }

        var cost = total is { } t2 && t2 >= _costSoFar ? t2 - _costSoFar : total;
        _costSoFar = total ?? _costSoFar;
        if (Get(root, "usage") is { } usage)
        {
            var added = new TokenUsage(Long(usage, "input_tokens") ?? 0, Long(usage, "output_tokens") ?? 0,
                Long(usage, "cache_creation_input_tokens") ?? 0, Long(usage, "cache_read_input_tokens") ?? 0, cost);
            if (!added.IsEmpty)
            {
                events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Usage, Usage = added, Metadata = Meta(("model", _model)) });
            }
        }

        // The model's window as the agent knows it: better than our table.
        if (Get(root, "modelUsage") is { ValueKind: JsonValueKind.Object } models)
        {
            foreach (var m in models.EnumerateObject())
            {
                if (Long(m.Value, "contextWindow") is { } window)
                {
                    events.Add(new AgentStreamEvent { Kind = AgentStreamKind.Context, Context = new ContextFill(null, window, m.Name) });
                }
            }
        }
    }

    private static AgentStreamEvent Limit(string message, TimeSpan? after) => new()
    {
        Kind = AgentStreamKind.RateLimit,
        Message = message,
        RetryAfter = after,
        Metadata = Meta(("retry_after_s", after is { } a ? Invariant((long)Math.Ceiling(a.TotalSeconds)) : null)),
    };

    internal static IReadOnlyDictionary<string, string> Meta(params (string Key, string? Value)[] pairs)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            if (!string.IsNullOrEmpty(value))
            {
                map[key] = value;
            }
        }

        return map;
    }
}
