using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Data.Sqlite;
using Microsoft.Playwright;

namespace Baton.DashboardBench;

/// <summary>
/// The board of a big repository (10,000 tickets, 100 live scripted workers): first render time
/// and the page's memory, next to the API answers alone and a static page of the same cards; then
/// what an idle open page costs the dashboard process.
/// </summary>
internal sealed class BoardBench
{
    /// <summary>Notes, from before the page's own scripts run, when the board last changed.</summary>
    private const string BoardWatch = """
        window.__boardLast = -1; window.__boardMutations = 0;
        new MutationObserver(records => {
          for (const r of records) {
            const t = r.target.nodeType === 1 ? r.target : r.target.parentElement;
            if (t && t.closest && t.closest('#board')) { window.__boardLast = performance.now(); window.__boardMutations++; return; }
          }
        }).observe(document, { childList: true, subtree: true, characterData: true });
        """;

    private const string Cards = "#board [data-ticket], #board .card";

    private readonly int _tickets;
    private readonly int _workers;
    private readonly int _idleSeconds;
    private readonly StringBuilder _report;

    public BoardBench(int tickets, int workers, int idleSeconds, StringBuilder report)
    {
        _tickets = tickets;
        _workers = workers;
        _idleSeconds = idleSeconds;
        _report = report;
    }

    public async Task RunAsync()
    {
        using var repo = new TestRepo();
        var created = Stopwatch.StartNew();
        CreateTickets(repo);
        var createSeconds = created.Elapsed.TotalSeconds;
        var spawned = Stopwatch.StartNew();
        for (var i = 1; i <= _workers; i++)
        {
            repo.Baton("spawn", "--agent", "scripted", "--name", Worker(i), $"@say idle worker {i}").Ok();
        }

        var spawnSeconds = spawned.Elapsed.TotalSeconds;
        AssignWorkers(repo);
        Console.Error.WriteLine($"board: {_tickets} tickets in {createSeconds:0.0} s, {_workers} workers in {spawnSeconds:0.0} s");

        using var dashboard = DashboardProcess.Start(repo);
        // What the page asks for: every ticket (the API's default is the CLI's 1,000).
        var ticketsPath = $"api/tickets?limit={_tickets}";
        var ticketsApi = await TimeGetAsync(dashboard, ticketsPath);
        var workersApi = await TimeGetAsync(dashboard, "api/workers");
        var shown = JsonDocument.Parse(await dashboard.Client.GetStringAsync(new Uri(ticketsPath, UriKind.Relative))).RootElement;

        var marker = "--baton-bench-" + Guid.NewGuid().ToString("N")[..8];
        await using var browser = await BrowserSession.StartAsync("--enable-precise-memory-info", marker);
        var renders = new List<(double Ms, int Cards, Dictionary<string, double> Metrics)>();
        for (var run = 0; run < 5; run++)
        {
            renders.Add(await FirstRenderAsync(browser, dashboard));
        }

        // The page shows part of each long column: the floor is a static page of exactly the cards
        // it shows; a static page of every ticket is shown too, for scale.
        var onPage = (await ShownIdsAsync(browser, dashboard)).ToHashSet(StringComparer.Ordinal);
        var staticRender = await StaticRenderAsync(browser, [.. shown.EnumerateArray().Where(t => onPage.Contains(t.GetProperty("id").GetString()!))]);
        var staticAll = await StaticRenderAsync(browser, [.. shown.EnumerateArray()]);
        var median = renders.OrderBy(r => r.Ms).ElementAt(renders.Count / 2);
        var baseline = Stats.Median(ticketsApi) + Stats.Median(workersApi) + staticRender.Ms;

        _report.AppendLine(CultureInfo.InvariantCulture, $"## The board with {_workers} workers and {_tickets:N0} tickets\n");
        _report.AppendLine(CultureInfo.InvariantCulture, $"Tickets filed through `baton inbox` ({_tickets:N0} task files, each through TicketService with its event) in {createSeconds:0.0} s; then their statuses spread by one SQL UPDATE (see below); {_workers} scripted agents through `baton spawn` in {spawnSeconds:0.0} s. The API lists {shown.GetArrayLength():N0} tickets.\n");
        _report.AppendLine("| | Baton page | baseline | ratio |");
        _report.AppendLine("|---|---:|---:|---:|");
        _report.AppendLine(CultureInfo.InvariantCulture, $"| first render, ms (median of 5; navigation start -> last change of #board) | {Stats.Ms(median.Ms)} | {Stats.Ms(baseline)} (GET tickets {Stats.Ms(Stats.Median(ticketsApi))} + GET workers {Stats.Ms(Stats.Median(workersApi))} + static page of the same cards {Stats.Ms(staticRender.Ms)}) | {Stats.Ratio(median.Ms, baseline)} |");
        _report.AppendLine(CultureInfo.InvariantCulture, $"| cards in the DOM | {median.Cards:N0} | {staticRender.Cards:N0} | |");
        _report.AppendLine(CultureInfo.InvariantCulture, $"| JS heap used after GC, MB | {Stats.F(median.Metrics["JSHeapUsedSize"] / 1e6, "0.0")} | {Stats.F(staticRender.Metrics["JSHeapUsedSize"] / 1e6, "0.0")} | {Stats.Ratio(median.Metrics["JSHeapUsedSize"], staticRender.Metrics["JSHeapUsedSize"])} |");
        _report.AppendLine(CultureInfo.InvariantCulture, $"| DOM nodes | {median.Metrics["Nodes"]:N0} | {staticRender.Metrics["Nodes"]:N0} | |");
        _report.AppendLine(CultureInfo.InvariantCulture, $"\nA static page of all {staticAll.Cards:N0} tickets as cards: {Stats.Ms(staticAll.Ms)} ms, JS heap {Stats.F(staticAll.Metrics["JSHeapUsedSize"] / 1e6, "0.0")} MB, {staticAll.Metrics["Nodes"]:N0} DOM nodes.");
        _report.AppendLine(CultureInfo.InvariantCulture, $"\nThe page's API requests in the median run (ms from navigation start): {string.Join("; ", median.Metrics.Keys.Where(k => k.StartsWith("requests:", StringComparison.Ordinal)).Select(k => k["requests:".Length..]))}.");
        _report.AppendLine(CultureInfo.InvariantCulture, $"\nAll five first renders, ms: {string.Join(", ", renders.Select(r => Stats.Ms(r.Ms)))}.\n");

        await IdleAsync(browser, dashboard, marker);
    }

    private static string Worker(int i) => "w" + i.ToString("000", CultureInfo.InvariantCulture);

    /// <summary>
    /// Every ticket through the service (`baton inbox`: one task file each, a dependency on the
    /// previous ticket for every fifth). The inbox files them all as open.
    /// </summary>
    private void CreateTickets(TestRepo repo)
    {
        var inbox = Path.Combine(repo.Dir, ".baton", "inbox");
        Directory.CreateDirectory(inbox);
        string[] priorities = ["critical", "high", "medium", "medium", "low"];
        string[] labels = ["backend", "frontend", "docs", "infra", "tests"];
        var time = DateTime.UtcNow.AddHours(-1);
        for (var i = 1; i <= _tickets; i++)
        {
            var deps = i % 5 == 0 ? $"\"dependencies\": [\"task-{i - 1}\"], " : "";
            var file = Path.Combine(inbox, $"task-{i:00000}.json");
            File.WriteAllText(file, $$"""{"task_id": "task-{{i}}", "title": "Ticket {{i}}: make part {{i}} work", "description": "Part {{i}} of the big board.", {{deps}}"priority": "{{priorities[i % priorities.Length]}}", "labels": ["{{labels[i % labels.Length]}}"]}""");
            File.SetLastWriteTimeUtc(file, time.AddMilliseconds(i)); // the inbox goes oldest first
        }

        var imported = repo.Baton("inbox").Ok().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
        if (imported < _tickets)
        {
            throw new InvalidOperationException($"baton inbox imported {imported} of {_tickets} tickets");
        }
    }

    /// <summary>
    /// Spreads the statuses like a busy repository (45% done, 10% in progress with a worker, 5% each
    /// testing and review, 3% blocked, 2% failed, the rest open) with one SQL UPDATE: this bypasses
    /// TicketService (no transition checks, no events), which would take one process per ticket.
    /// </summary>
    private void AssignWorkers(TestRepo repo)
    {
        using var db = new SqliteConnection($"Data Source={Path.Combine(repo.Dir, ".baton", "baton.db")}");
        db.Open();
        using var update = db.CreateCommand();
        update.CommandText = """
            UPDATE tickets SET status = CASE
                WHEN number % 100 < 45 THEN 'done'
                WHEN number % 100 < 55 THEN 'in-progress'
                WHEN number % 100 < 60 THEN 'testing'
                WHEN number % 100 < 65 THEN 'review'
                WHEN number % 100 < 68 THEN 'blocked'
                WHEN number % 100 < 70 THEN 'failed'
                ELSE 'open' END;
            UPDATE tickets SET assignee = 'w' || printf('%03d', (number % $workers) + 1), attempts = 1
                WHERE status IN ('in-progress', 'testing', 'review');
            """;
        update.Parameters.AddWithValue("$workers", _workers);
        update.ExecuteNonQuery();
    }

    private static async Task<List<double>> TimeGetAsync(DashboardProcess dashboard, string path)
    {
        var times = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var watch = Stopwatch.StartNew();
            using var response = await dashboard.Client.GetAsync(new Uri(path, UriKind.Relative));
            await response.Content.ReadAsByteArrayAsync();
            times.Add(watch.Elapsed.TotalMilliseconds);
        }

        return times;
    }

    private static async Task<(double Ms, int Cards, Dictionary<string, double> Metrics)> FirstRenderAsync(BrowserSession browser, DashboardProcess dashboard)
    {
        var page = await browser.OpenAsync(dashboard);
        await page.GotoAsync("about:blank");
        await page.Context.AddInitScriptAsync(BoardWatch);
        await page.GotoAsync(dashboard.Base.ToString());
        var ms = await SettledAsync(page);
        var cards = await page.Locator(Cards).CountAsync();
        var metrics = await MetricsAsync(page);
        // Where the time went: each API request the page made while loading (start and end, ms from navigation start)
        var requests = await page.EvaluateAsync<string[]>("""
            () => performance.getEntriesByType('resource').filter(e => e.name.includes('/api/') && !e.name.includes('/api/stream'))
              .map(e => new URL(e.name).pathname + new URL(e.name).search + ' ' + Math.round(e.startTime) + '-' + Math.round(e.responseEnd))
            """);
        metrics["requests:" + string.Join(", ", requests)] = 0;
        await page.Context.CloseAsync();
        return (ms, cards, metrics);
    }

    private static async Task<string[]> ShownIdsAsync(BrowserSession browser, DashboardProcess dashboard)
    {
        var page = await browser.OpenAsync(dashboard);
        await Assertions.Expect(page.Locator(Cards).First).ToBeAttachedAsync(new() { Timeout = 60_000 });
        await page.WaitForTimeoutAsync(1000);
        var ids = await page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('#board [data-ticket]')].map(c => c.dataset.ticket)");
        await page.Context.CloseAsync();
        return ids;
    }

    /// <summary>Waits until the board has not changed for a second (at most 60 s); the time of its last change.</summary>
    private static async Task<double> SettledAsync(IPage page)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var times = await page.EvaluateAsync<double[]>("() => [window.__boardLast, performance.now()]");
            if (times[0] > 0 && times[1] - times[0] > 1000)
            {
                return times[0];
            }

            await Task.Delay(100);
        }

        throw new TimeoutException("the board never settled in 60 s");
    }

    private static async Task<Dictionary<string, double>> MetricsAsync(IPage page)
    {
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("HeapProfiler.collectGarbage");
        await cdp.SendAsync("Performance.enable");
        var answer = await cdp.SendAsync("Performance.getMetrics");
        return answer!.Value.GetProperty("metrics").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("value").GetDouble());
    }

    /// <summary>The floor: the same tickets as plain cards in status columns, written as static HTML (no script), parsed and laid out.</summary>
    private static async Task<(double Ms, int Cards, Dictionary<string, double> Metrics)> StaticRenderAsync(BrowserSession browser, IReadOnlyList<JsonElement> tickets)
    {
        var html = new StringBuilder("<!doctype html><html><body><main id='board' style='display:flex'>");
        foreach (var column in tickets.GroupBy(t => t.GetProperty("status").GetString()))
        {
            html.Append(CultureInfo.InvariantCulture, $"<section data-column='{column.Key}'><h2>{column.Key}</h2>");
            foreach (var t in column)
            {
                var title = System.Net.WebUtility.HtmlEncode(t.GetProperty("title").GetString());
                html.Append(CultureInfo.InvariantCulture, $"<div class='card' data-ticket='{t.GetProperty("id").GetString()}'><b>{t.GetProperty("id").GetString()}</b> {title} <small>{t.GetProperty("priority").GetString()}</small></div>");
            }

            html.Append("</section>");
        }

        html.Append("</main></body></html>");
        // Served ready-made by a minimal HTTP server on the loopback (no script, no API call), and
        // measured the same way as the dashboard's page.
        var body = Encoding.UTF8.GetBytes(html.ToString());
        var port = FreePort();
        using var server = new System.Net.HttpListener();
        server.Prefixes.Add($"http://127.0.0.1:{port}/");
        server.Start();
        var serving = Task.Run(async () =>
        {
            while (server.IsListening)
            {
                System.Net.HttpListenerContext request;
                try
                {
                    request = await server.GetContextAsync();
                }
                catch (System.Net.HttpListenerException)
                {
                    return;
                }
                catch (ObjectDisposedException)
                {
                    return;
                }

                request.Response.ContentType = "text/html; charset=utf-8";
                request.Response.ContentLength64 = body.Length;
                await request.Response.OutputStream.WriteAsync(body);
                request.Response.Close();
            }
        });
        // One load to warm the server up (its first request pays for JIT), then the median of five.
        var runs = new List<(double Ms, int Cards, Dictionary<string, double> Metrics)>();
        for (var run = 0; run < 6; run++)
        {
            var page = await browser.AnonymousPageAsync();
            await page.Context.AddInitScriptAsync(BoardWatch);
            await page.GotoAsync($"http://127.0.0.1:{port}/");
            var ms = await SettledAsync(page);
            var cards = await page.Locator(Cards).CountAsync();
            var metrics = await MetricsAsync(page);
            await page.Context.CloseAsync();
            if (run > 0)
            {
                runs.Add((ms, cards, metrics));
            }
        }

        server.Stop();
        await serving;
        return runs.OrderBy(r => r.Ms).ElementAt(runs.Count / 2);
    }

    private static int FreePort()
    {
        using var probe = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        probe.Start();
        return ((System.Net.IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>CPU of the dashboard process over an idle window with no page, then with the board open.</summary>
    private async Task IdleAsync(BrowserSession browser, DashboardProcess dashboard, string marker)
    {
        var browserPids = CpuTime.WithDescendants(CpuTime.ProcessesWith(marker));
        await Task.Delay(3000);
        var without = await CpuOverAsync(dashboard.Pid, browserPids);

        var page = await browser.OpenAsync(dashboard);
        await Assertions.Expect(page.Locator(Cards).First).ToBeAttachedAsync(new() { Timeout = 60_000 });
        var requests = 0;
        page.Request += (_, _) => Interlocked.Increment(ref requests);
        await Task.Delay(5000); // its first loads are over
        Interlocked.Exchange(ref requests, 0);
        browserPids = CpuTime.WithDescendants(CpuTime.ProcessesWith(marker));
        var with = await CpuOverAsync(dashboard.Pid, browserPids);
        var made = Volatile.Read(ref requests);

        _report.AppendLine(CultureInfo.InvariantCulture, $"### An idle page ({_idleSeconds} s windows, nothing happening in the store)\n");
        _report.AppendLine("| | dashboard process CPU, % of a core | browser CPU, % of a core | requests the page made |");
        _report.AppendLine("|---|---:|---:|---:|");
        _report.AppendLine(CultureInfo.InvariantCulture, $"| no page open | {Stats.F(without.Dashboard, "0.00")} | {Stats.F(without.Browser, "0.00")} | – |");
        _report.AppendLine(CultureInfo.InvariantCulture, $"| the board open | {Stats.F(with.Dashboard, "0.00")} | {Stats.F(with.Browser, "0.00")} | {made} |");
        _report.AppendLine(CultureInfo.InvariantCulture, $"| difference | {Stats.F(with.Dashboard - without.Dashboard, "+0.00;-0.00")} | | |\n");
        _report.AppendLine("CPU = utime + stime + cutime + cstime from /proc/PID/stat (ticks of 10 ms) over the window; the browser's is the sum over its processes.\n");
    }

    private async Task<(double Dashboard, double Browser)> CpuOverAsync(int pid, IReadOnlyList<int> browserPids)
    {
        var d0 = CpuTime.Seconds(pid);
        var b0 = CpuTime.Seconds(browserPids);
        var watch = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(_idleSeconds));
        var seconds = watch.Elapsed.TotalSeconds;
        return ((CpuTime.Seconds(pid) - d0) / seconds * 100, (CpuTime.Seconds(browserPids) - b0) / seconds * 100);
    }
}
