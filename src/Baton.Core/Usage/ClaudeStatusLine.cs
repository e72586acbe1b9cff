using System.Globalization;
using System.Text.Json;

namespace Baton.Core.Usage;

/// <summary>
/// Claude Code's status-line input (the JSON it pipes to the <c>statusLine</c> command after each
/// update; 2.1.330: <c>context_window.current_usage</c>, <c>context_window.context_window_size</c>,
/// <c>model.id</c>, <c>cost.total_cost_usd</c>, and <c>rate_limits.five_hour/seven_day</c>
/// <c>{used_percentage, resets_at}</c> (epoch seconds) for accounts metered on windows), and the
/// short line Baton prints back for the TUI's footer.
/// </summary>
public static class ClaudeStatusLine
{
    /// <summary>The event name `baton hook` is given by the statusLine command Baton installs.</summary>
    public const string Event = "StatusLine";

    /// <summary>The reading in <paramref name="json"/>; null when it is not a status-line object.</summary>
    public static StatusLineReading? Parse(string json, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return null;
            }

            var model = Get(root, "model") is { } m ? Str(m, "id") : null;
            ContextFill? context = null;
            if (Get(root, "context_window") is { } cw)
            {
                var window = Long(cw, "context_window_size");
                // current_usage is null until the first request has answered.
                if (Get(cw, "current_usage") is { ValueKind: JsonValueKind.Object } u)
                {
                    var tokens = (Long(u, "input_tokens") ?? 0) + (Long(u, "cache_creation_input_tokens") ?? 0) + (Long(u, "cache_read_input_tokens") ?? 0);
                    context = new ContextFill(tokens, window, model);
                }
            }

            decimal? cost = Get(root, "cost") is { } c && Get(c, "total_cost_usd") is { ValueKind: JsonValueKind.Number } tc && tc.TryGetDecimal(out var d)
                ? Math.Round(d, 6) : null;
            RateLimits? limits = null;
            if (Get(root, "rate_limits") is { ValueKind: JsonValueKind.Object } rl)
            {
                var read = new RateLimits(Window(rl, "five_hour"), Window(rl, "seven_day"), now);
                limits = read.IsEmpty ? null : read;
            }

            return new StatusLineReading(context, cost, limits);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The line the TUI shows under its input: the worker, its context, cost and windows (what is known).</summary>
    public static string Render(string worker, StatusLineReading? reading)
    {
        var parts = new List<string> { "baton " + worker };
        if (reading?.Context is { Tokens: { } tokens } fill)
        {
            parts.Add(fill.Window is > 0 ? $"ctx {Short(tokens)}/{Short(fill.Window.Value)} ({100.0 * tokens / fill.Window.Value:0}%)" : $"ctx {Short(tokens)}");
        }

        if (reading?.SessionCostUsd is { } cost and > 0)
        {
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"${cost:0.00##}"));
        }

        if (reading?.RateLimits is { } rl)
        {
            if (rl.FiveHour is { } f)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"5h {f.UsedPercent:0}%"));
            }

            if (rl.SevenDay is { } s)
            {
                parts.Add(string.Create(CultureInfo.InvariantCulture, $"7d {s.UsedPercent:0}%"));
            }
        }

        return string.Join(" · ", parts);
    }

    private static string Short(long n) => n >= 1_000_000 && n % 1_000_000 == 0 ? string.Create(CultureInfo.InvariantCulture, $"{n / 1_000_000}M")
        : n >= 1000 ? string.Create(CultureInfo.InvariantCulture, $"{n / 1000.0:0.#}k")
        : n.ToString(CultureInfo.InvariantCulture);

    private static RateLimitWindow? Window(JsonElement limits, string name)
    {
        if (Get(limits, name) is not { ValueKind: JsonValueKind.Object } w || Get(w, "used_percentage") is not { ValueKind: JsonValueKind.Number } p)
        {
            return null;
        }

        DateTimeOffset? resets = Get(w, "resets_at") switch
        {
            { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var s) => DateTimeOffset.FromUnixTimeSeconds(s),
            { ValueKind: JsonValueKind.String } t when DateTimeOffset.TryParse(t.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) => at,
            _ => null,
        };
        return new RateLimitWindow(p.GetDouble(), resets);
    }

    private static JsonElement? Get(JsonElement e, string name) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null ? v : null;

    private static string? Str(JsonElement e, string name) => Get(e, name) is { ValueKind: JsonValueKind.String } v ? v.GetString() : null;

    private static long? Long(JsonElement e, string name) => Get(e, name) is { ValueKind: JsonValueKind.Number } v && v.TryGetInt64(out var n) ? n : null;
}
