using Baton.Core.Usage;
using Baton.Infrastructure.Storage.Sql;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Workers;

/// <summary>
/// `baton hook StatusLine`, the statusLine command Baton installs in a Claude Code worker's
/// settings, fed the status-line JSON recorded from Claude Code 2.1.330's TUI: it prints the
/// footer line, spools a reading only when it changed, and the monitor takes it in as the
/// worker's context fill, session cost and subscription windows.
/// </summary>
public sealed class StatusLineTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static readonly string[] Recorded = File.ReadAllLines(Path.Combine(RepoPaths.Fixtures, "claude-code-2.1.330", "statusline-input.jsonl"));

    private CliResult StatusLine(string worker, string payload) =>
        TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", "StatusLine"], _repo.Dir, payload,
            new Dictionary<string, string> { ["BATON_WORKER"] = worker, ["BATON_DB"] = Path.Combine(_repo.Dir, ".baton", "baton.db") }, TimeSpan.FromSeconds(30));

    private int SpooledReadings(string worker) =>
        File.ReadAllLines(Path.Combine(_repo.Dir, ".baton", "spool", worker + ".jsonl")).Count(l => l.Contains("\"event\":\"StatusLine\"", StringComparison.Ordinal));

    [Fact]
    public void The_role_settings_install_the_status_line_beside_the_hooks()
    {
        var settings = _repo.Baton("role", "settings", "worker").Ok().Json();

        var statusLine = settings.GetProperty("statusLine");
        Assert.Equal("command", statusLine.GetProperty("type").GetString());
        // `baton hook StatusLine`, or the small baton-hook binary beside an installed baton.
        Assert.Matches("(baton-hook| hook) StatusLine$", statusLine.GetProperty("command").GetString());
    }

    [Fact]
    public void A_status_line_reading_becomes_the_workers_fill_cost_and_subscription_windows_once()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "sl").Ok();
        _repo.WaitForState("sl", "idle");

        // Before the first request: a footer line, nothing spooled.
        Assert.Equal("baton sl\n", StatusLine("sl", Recorded[0]).Ok().Stdout);
        Assert.False(File.Exists(Path.Combine(_repo.Dir, ".baton", "spool", "sl.status")));

        // After it: the line shows the figures; the same reading twice is spooled once.
        Assert.Equal("baton sl · ctx 4.7k/1M (0%) · $0.0082 · 5h 42% · 7d 13%\n", StatusLine("sl", Recorded[1]).Ok().Stdout);
        StatusLine("sl", Recorded[1]).Ok();
        Assert.Equal(1, SpooledReadings("sl"));

        _repo.Baton("list").Ok(); // the monitor takes the spool in
        var run = _repo.Baton("usage", "--worker", "sl", "--json").Ok().Json().GetProperty("workers")[0];
        Assert.Equal(4734, run.GetProperty("context_tokens").GetInt64());
        Assert.Equal(1_000_000, run.GetProperty("context_window").GetInt64());
        Assert.Equal(0.008176m, run.GetProperty("cost_usd").GetDecimal());
        // A reading, not a hook: no worker_hook event for it.
        var hooks = _repo.Baton("events", "recent", "50", "--worker", "sl", "--type", "worker_hook", "--json").Ok().Json().EnumerateArray()
            .Select(e => e.GetProperty("message").GetString()!).ToList();
        Assert.DoesNotContain(hooks, m => m.Contains("StatusLine", StringComparison.Ordinal));

        // The subscription windows, through the port the budget reads.
        using var store = SqliteStore.Open(Path.Combine(_repo.Dir, ".baton", "baton.db"), create: false);
        var reading = Assert.Single(new SqlUsageStore(store).LatestRateLimits());
        Assert.Equal(("scripted", "sl"), (reading.Agent, reading.Worker));
        Assert.Equal(new RateLimitWindow(42, DateTimeOffset.FromUnixTimeSeconds(1796140000)), reading.Limits.FiveHour);
        Assert.Equal(new RateLimitWindow(13, DateTimeOffset.FromUnixTimeSeconds(1796600000)), reading.Limits.SevenDay);

        // A later reading with a higher session cost raises the stored cost to it (a total, not an increment).
        StatusLine("sl", Recorded[1].Replace("\"total_cost_usd\":0.008176000000000001", "\"total_cost_usd\":0.02", StringComparison.Ordinal)
            .Replace("\"used_percentage\":42", "\"used_percentage\":57", StringComparison.Ordinal)).Ok();
        _repo.Baton("list").Ok();
        run = _repo.Baton("usage", "--worker", "sl", "--json").Ok().Json().GetProperty("workers")[0];
        Assert.Equal(0.02m, run.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(57, Assert.Single(new SqlUsageStore(store).LatestRateLimits()).Limits.FiveHour!.UsedPercent);
    }
}
