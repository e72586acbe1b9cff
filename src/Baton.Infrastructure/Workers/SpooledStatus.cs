using System.Globalization;
using System.Text.Json;
using Baton.Core.Usage;

namespace Baton.Infrastructure.Workers;

/// <summary>A status-line reading as one spool line carries it (<c>"status": {...}</c>), written by `baton hook StatusLine` and read by the monitor.</summary>
internal static class SpooledStatus
{
    public static void Write(Utf8JsonWriter w, StatusLineReading status)
    {
        w.WriteStartObject("status");
        if (status.Context is { } c)
        {
            Number(w, "context_tokens", c.Tokens);
            Number(w, "context_window", c.Window);
            if (c.Model is not null)
            {
                w.WriteString("model", c.Model);
            }
        }

        if (status.SessionCostUsd is { } cost)
        {
            w.WriteNumber("cost_usd", cost);
        }

        if (status.RateLimits is { } rl)
        {
            w.WriteString("rate_limits_at", rl.ObservedAt.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            Window(w, "five_hour", rl.FiveHour);
            Window(w, "seven_day", rl.SevenDay);
        }

        w.WriteEndObject();
    }

    public static StatusLineReading? Read(JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var tokens = Long(e, "context_tokens");
        var window = Long(e, "context_window");
        var model = e.TryGetProperty("model", out var m) ? m.GetString() : null;
        var context = tokens is null && window is null ? null : new ContextFill(tokens, window, model);
        decimal? cost = e.TryGetProperty("cost_usd", out var c) && c.TryGetDecimal(out var d) ? d : null;
        RateLimits? limits = null;
        if (e.TryGetProperty("rate_limits_at", out var at) && at.GetString() is { } text)
        {
            limits = new RateLimits(Window(e, "five_hour"), Window(e, "seven_day"), DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));
        }

        return new StatusLineReading(context, cost, limits);
    }

    private static void Window(Utf8JsonWriter w, string name, RateLimitWindow? window)
    {
        if (window is null)
        {
            return;
        }

        w.WriteStartObject(name);
        w.WriteNumber("used_percentage", window.UsedPercent);
        if (window.ResetsAt is { } r)
        {
            w.WriteNumber("resets_at", r.ToUnixTimeSeconds());
        }

        w.WriteEndObject();
    }

    private static RateLimitWindow? Window(JsonElement e, string name) =>
        e.TryGetProperty(name, out var w) && w.TryGetProperty("used_percentage", out var p) && p.ValueKind == JsonValueKind.Number
            ? new RateLimitWindow(p.GetDouble(), w.TryGetProperty("resets_at", out var r) && r.TryGetInt64(out var s) ? DateTimeOffset.FromUnixTimeSeconds(s) : null)
            : null;

    private static void Number(Utf8JsonWriter w, string name, long? value)
    {
        if (value is { } v)
        {
            w.WriteNumber(name, v);
        }
    }

    private static long? Long(JsonElement e, string name) => e.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : null;
}
