using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Baton.DashboardBench;

/// <summary>
/// Event appended (its time in the store) -> shown in the page's event list, with 1, 10 and 50
/// pages open, next to the same events received by an SSE client with no browser and by a raw
/// SQLite poll at the dashboard's own interval, in the same run.
/// </summary>
internal sealed class LatencyBench
{
    /// <summary>Records, for each event id, when its list item entered the page, and the next frame after it.</summary>
    private const string Observer = """
        () => {
          window.__benchDom = {}; window.__benchFrame = {};
          const seen = id => id in window.__benchDom;
          const note = node => {
            if (node.nodeType !== 1) return;
            const items = node.matches('li') ? [node] : node.querySelectorAll('li');
            for (const li of items) {
              const id = li.dataset.eventId || li.dataset.id;
              if (!id || seen(id)) continue;
              window.__benchDom[id] = performance.timeOrigin + performance.now();
              requestAnimationFrame(() => { window.__benchFrame[id] = performance.timeOrigin + performance.now(); });
            }
          };
          new MutationObserver(records => { for (const r of records) r.addedNodes.forEach(note); })
            .observe(document.getElementById('events'), { childList: true, subtree: true });
        }
        """;

    private readonly int _events;
    private readonly StringBuilder _report;

    public LatencyBench(int events, StringBuilder report)
    {
        _events = events;
        _report = report;
    }

    public async Task RunAsync(IReadOnlyList<int> pageCounts)
    {
        _report.AppendLine("## Event appended -> rendered in the browser\n");
        _report.AppendLine(CultureInfo.InvariantCulture, $"{_events} events per row (`baton events log`, 250-550 ms apart); latency = time the page saw it - the event's `time` in the store.\n");
        _report.AppendLine("| open pages | samples | page DOM p50 | page DOM p95 | next frame p50 | next frame p95 | SSE client p50 | SSE client p95 | SQLite poll 200 ms p50 | p95 | ratio p95 page / SSE | missing |");
        _report.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var pages in pageCounts)
        {
            await RunOneAsync(pages);
        }

        _report.AppendLine();
    }

    private async Task RunOneAsync(int pageCount)
    {
        Console.Error.WriteLine($"latency: {pageCount} page(s)");
        using var repo = new TestRepo();
        using var dashboard = DashboardProcess.Start(repo);
        await using var browser = await BrowserSession.StartAsync();
        var pages = new List<IPage>();
        for (var i = 0; i < pageCount; i++)
        {
            // A context each: its own connections, as separate viewers (one context would share
            // Chromium's six connections per host among all its pages' streams).
            var page = await browser.OpenAsync(dashboard, "/#events");
            await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live", new() { Timeout = 60_000 });
            await page.EvaluateAsync(Observer);
            pages.Add(page);
        }

        using var cancel = new CancellationTokenSource();
        var sse = new ConcurrentDictionary<long, double>();
        var poll = new ConcurrentDictionary<long, double>();
        var sseTask = Task.Run(() => ReadStreamAsync(dashboard, sse, cancel.Token));
        var pollTask = Task.Run(() => PollStore(Path.Combine(repo.Dir, ".baton", "baton.db"), poll, cancel.Token));
        await Task.Delay(1000);

        var random = new Random(42);
        for (var i = 0; i < _events; i++)
        {
            repo.Baton("events", "log", "bench", $"latency {pageCount} {i}").Ok();
            await Task.Delay(250 + random.Next(300));
        }

        await Task.Delay(3000); // the last ones arrive
        await cancel.CancelAsync();
        await Task.WhenAll(sseTask.ContinueWith(_ => { }, TaskScheduler.Default), pollTask.ContinueWith(_ => { }, TaskScheduler.Default));

        var appended = repo.Baton("events", "recent", "1000", "--type", "bench", "--json").Ok().Json().EnumerateArray()
            .ToDictionary(e => e.GetProperty("id").GetInt64(), e => Stats.UnixMs(e.GetProperty("time").GetString()!));
        var dom = new List<double>();
        var frame = new List<double>();
        var missing = 0;
        foreach (var page in pages)
        {
            var domAt = await page.EvaluateAsync<Dictionary<string, double>>("() => window.__benchDom");
            var frameAt = await page.EvaluateAsync<Dictionary<string, double>>("() => window.__benchFrame");
            foreach (var (id, at) in appended)
            {
                var key = id.ToString(CultureInfo.InvariantCulture);
                if (domAt.TryGetValue(key, out var d))
                {
                    dom.Add(d - at);
                }
                else
                {
                    missing++;
                }

                if (frameAt.TryGetValue(key, out var f))
                {
                    frame.Add(f - at);
                }
            }
        }

        var sseMs = appended.Where(a => sse.ContainsKey(a.Key)).Select(a => sse[a.Key] - a.Value).ToList();
        var pollMs = appended.Where(a => poll.ContainsKey(a.Key)).Select(a => poll[a.Key] - a.Value).ToList();
        _report.AppendLine(CultureInfo.InvariantCulture,
            $"| {pageCount} | {dom.Count} | {Stats.Ms(Stats.Median(dom))} | {Stats.Ms(Stats.Percentile(dom, 95))} | {Stats.Ms(Stats.Median(frame))} | {Stats.Ms(Stats.Percentile(frame, 95))} | {Stats.Ms(Stats.Median(sseMs))} | {Stats.Ms(Stats.Percentile(sseMs, 95))} | {Stats.Ms(Stats.Median(pollMs))} | {Stats.Ms(Stats.Percentile(pollMs, 95))} | {Stats.Ratio(Stats.Percentile(dom, 95), Stats.Percentile(sseMs, 95))} | {missing + (appended.Count - sseMs.Count)} |");
    }

    /// <summary>An SSE client with no browser: the stream as it leaves the dashboard.</summary>
    private static async Task ReadStreamAsync(DashboardProcess dashboard, ConcurrentDictionary<long, double> seen, CancellationToken cancel)
    {
        using var response = await dashboard.Client.GetAsync(new Uri("api/stream", UriKind.Relative), HttpCompletionOption.ResponseHeadersRead, cancel);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancel));
        long? id = null;
        while (await reader.ReadLineAsync(cancel) is { } line)
        {
            if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal) && id is { } i)
            {
                seen.TryAdd(i, Stats.NowUnixMs());
            }
        }
    }

    /// <summary>The raw floor of the dashboard's design: read new rows from SQLite every 200 ms.</summary>
    private static void PollStore(string db, ConcurrentDictionary<long, double> seen, CancellationToken cancel)
    {
        using var connection = new SqliteConnection($"Data Source={db};Mode=ReadOnly");
        connection.Open();
        long last;
        using (var max = connection.CreateCommand())
        {
            max.CommandText = "SELECT coalesce(max(id), 0) FROM events";
            last = (long)max.ExecuteScalar()!;
        }

        using var read = connection.CreateCommand();
        read.CommandText = "SELECT id FROM events WHERE id > $last ORDER BY id";
        var parameter = read.Parameters.Add("$last", SqliteType.Integer);
        while (!cancel.IsCancellationRequested)
        {
            parameter.Value = last;
            using (var rows = read.ExecuteReader())
            {
                while (rows.Read())
                {
                    last = rows.GetInt64(0);
                    seen.TryAdd(last, Stats.NowUnixMs());
                }
            }

            cancel.WaitHandle.WaitOne(200);
        }
    }
}
