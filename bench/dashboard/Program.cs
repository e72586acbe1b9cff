using System.Globalization;
using System.Text;
using Baton.DashboardBench;

// bench/dashboard.sh and scripts/screenshots.sh run this; see bench/README.md.
if (args.Length == 0 || args[0] is not ("latency" or "board" or "all" or "screenshots"))
{
    Console.Error.WriteLine("usage: Baton.DashboardBench latency|board|all [REPORT.md] | screenshots FOLDER");
    return 2;
}

if (args[0] == "screenshots")
{
    await Screenshots.TakeAsync(args.Length > 1 ? args[1] : "docs/images");
    return 0;
}

static int Env(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"# Dashboard benchmarks, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n");
report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores; baton: {string.Join(' ', Baton.IntegrationTests.Support.RepoPaths.Baton)}; chromium: {Baton.BrowserTests.Support.Chromium.ExecutablePath}\n");
if (args[0] is "latency" or "all")
{
    var pages = (Environment.GetEnvironmentVariable("BENCH_PAGES") ?? "1 10 50").Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .Select(p => int.Parse(p, CultureInfo.InvariantCulture)).ToList();
    await new LatencyBench(Env("BENCH_EVENTS", 40), report).RunAsync(pages);
}

if (args[0] is "board" or "all")
{
    await new BoardBench(Env("BENCH_TICKETS", 10_000), Env("BENCH_WORKERS", 100), Env("BENCH_IDLE_SECONDS", 60), report).RunAsync();
}

Console.WriteLine(report);
if (args.Length > 1)
{
    File.WriteAllText(args[1], report.ToString());
}

return 0;
