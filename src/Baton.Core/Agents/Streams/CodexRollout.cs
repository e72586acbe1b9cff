using System.Text.Json;
using Baton.Core.Usage;
using static Baton.Core.Agents.Streams.StreamJson;

namespace Baton.Core.Agents.Streams;

/// <summary>
/// Usage in a Codex thread's rollout file ($CODEX_HOME/sessions/YYYY/MM/DD/rollout-*-THREAD.jsonl),
/// the record Codex TUI workers leave. 0.169.0 writes a <c>token_usage_record</c> per model response
/// (its <c>usage</c>, keyed by <c>response_id</c>) and an <c>event_msg</c> <c>token_count</c> after it
/// (the thread's running <c>total_token_usage</c> and the <c>last_token_usage</c>). Each line is a
/// whole record, so any run of complete lines can be counted on its own: the per-response records
/// when there are any, otherwise each token_count whose running total moved (Codex repeats a
/// token_count unchanged when only its rate limits changed). OpenAI counts cached and cache-written
/// tokens inside input_tokens: fresh input is input minus both, as in <see cref="CodexStreamParser"/>.
/// The TUI's title side turn is not in the rollout. Pure.
/// </summary>
public static class CodexRollout
{
    /// <summary>The tokens of the responses in <paramref name="lines"/>, and the context fill of the last one.</summary>
    public static TranscriptUsage Read(IEnumerable<string> lines)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var records = new Dictionary<string, TokenUsage>(StringComparer.Ordinal);
        var counted = TokenUsage.Zero;
        TokenUsage? lastTotal = null;
        long? contextTokens = null, window = null;
        string? model = null;
        var windows = new Dictionary<string, Budgets.UsageWindow>(StringComparer.Ordinal);
        foreach (var line in lines)
        {
            if (!line.Contains("token_", StringComparison.Ordinal) && !line.Contains("\"turn_context\"", StringComparison.Ordinal))
            {
                continue; // most lines are messages and tool calls: skip them without parsing
            }

            using var doc = TryParse(line);
            if (doc is null || Get(doc.RootElement, "payload") is not { ValueKind: JsonValueKind.Object } payload)
            {
                continue;
            }

            if (Text(payload, "type") == "token_count" && Get(payload, "rate_limits") is { ValueKind: JsonValueKind.Object } limits)
            {
                var at = DateTimeOffset.TryParse(Text(doc.RootElement, "timestamp"), System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out var t) ? t : (DateTimeOffset?)null;
                foreach (var name in (string[])["primary", "secondary"])
                {
                    if (Window(limits, name, at) is { } w)
                    {
                        windows[name] = w;
                    }
                }
            }

            switch (Text(doc.RootElement, "type"))
            {
                case "turn_context":
                    model = Text(payload, "model") ?? model;
                    break;
                case "token_usage_record" when Get(payload, "usage") is { ValueKind: JsonValueKind.Object } usage:
                    var id = Text(payload, "response_id") ?? $"#{records.Count}";
                    records[id] = Tokens(usage);
                    contextTokens = Long(usage, "input_tokens");
                    break;
                case "event_msg" when Text(payload, "type") == "token_count"
                    && Get(payload, "info") is { ValueKind: JsonValueKind.Object } info
                    && Get(info, "total_token_usage") is { ValueKind: JsonValueKind.Object } total:
                    window = Long(info, "model_context_window") ?? window;
                    var running = Tokens(total);
                    if (running != lastTotal && Get(info, "last_token_usage") is { ValueKind: JsonValueKind.Object } last)
                    {
                        counted += Tokens(last);
                        contextTokens = Long(last, "input_tokens");
                    }

                    lastTotal = running;
                    break;
            }
        }

        var tokens = records.Count > 0 ? records.Values.Aggregate(TokenUsage.Zero, (sum, t) => sum + t) : counted;
        var context = contextTokens is null ? null : new ContextFill(contextTokens, window ?? ContextWindows.For(model), model);
        return new TranscriptUsage(tokens, context, model) { Windows = windows.Values.ToList() };
    }

    /// <summary>
    /// One of the rate_limits windows (primary: five hours, secondary: a week): used_percent and
    /// resets_at (Unix seconds; older builds say resets_in_seconds). The agent is filled in by the caller.
    /// </summary>
    private static Budgets.UsageWindow? Window(JsonElement limits, string name, DateTimeOffset? at)
    {
        if (Get(limits, name) is not { ValueKind: JsonValueKind.Object } w || Get(w, "used_percent") is not { ValueKind: JsonValueKind.Number } used)
        {
            return null;
        }

        var label = Long(w, "window_minutes") switch
        {
            300 => "five_hour",
            10080 => "seven_day",
            { } minutes => $"{minutes}m",
            null => name,
        };
        var seen = at ?? DateTimeOffset.UnixEpoch;
        DateTimeOffset? resets = Long(w, "resets_at") is { } unix ? DateTimeOffset.FromUnixTimeSeconds(unix)
            : Long(w, "resets_in_seconds") is { } inSeconds && at is { } from ? from.AddSeconds(inSeconds) : null;
        return new Budgets.UsageWindow("", label, used.GetDouble(), resets, seen);
    }

    private static TokenUsage Tokens(JsonElement usage)
    {
        var input = Long(usage, "input_tokens") ?? 0;
        var cached = Long(usage, "cached_input_tokens") ?? 0;
        var written = Long(usage, "cache_write_input_tokens") ?? 0;
        return new TokenUsage(Math.Max(0, input - cached - written), Long(usage, "output_tokens") ?? 0, written, cached);
    }
}
