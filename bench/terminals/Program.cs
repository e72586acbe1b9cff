using System.Diagnostics;
using System.Globalization;
using System.Text;
using Baton.DashboardBench;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;

// bench/terminals.sh runs this; see docs/benchmarks.md. N panes print continuously; the dashboard's
// CPU is measured with no terminal open, then with one WebSocket viewer per pane, then (as the raw
// baseline) N plain `tmux -C` clients read the same panes with no dashboard involved.
static int Env(string name, int fallback) =>
    int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : fallback;

var panes = Env("BENCH_TERMINALS", 20);
var seconds = Env("BENCH_SECONDS", 30);
var intervalMs = Env("BENCH_INTERVAL_MS", 50);
var report = new StringBuilder();
string Pct(double cpu, double wall) => (100 * cpu / wall).ToString("0.0", CultureInfo.InvariantCulture) + "%";

using var repo = new TestRepo();
File.WriteAllText(Path.Combine(repo.Dir, ".baton", "agents", "printer.yaml"), """
    name: printer
    command: ["bash", "--norc", "--noprofile"]
    exit_command: exit
    env:
      PS1: "ready$ "
    screen:
      ready: 'ready\$'
      busy: 'no-such-busy-line'
      waiting: 'no-such-question'
      input_line: '^ready\$ ?(.*)$'
    """);
Console.Error.WriteLine($"==> spawning {panes} panes that print a coloured line every {intervalMs} ms");
var sessions = new List<string>();
for (var i = 1; i <= panes; i++)
{
    repo.Baton("spawn", "--agent", "printer", "--name", $"p{i}").Ok();
    sessions.Add(repo.Worker($"p{i}").GetProperty("session").GetString()!);
}

var pause = (intervalMs / 1000.0).ToString("0.000", CultureInfo.InvariantCulture);
foreach (var session in sessions)
{
    TestRepo.WaitUntil(() => repo.Tmux("capture-pane", "-p", "-t", $"={session}:").Stdout.Contains("ready$", StringComparison.Ordinal), "the shell started");
    repo.Tmux("send-keys", "-t", $"={session}:", "-l", $"i=0; while :; do printf '\\033[3%dm%s\\033[0m line %d of continuous output from the agent in {session}\\n' $((i%8)) \"$EPOCHREALTIME\" $((i++)); sleep {pause}; done");
    repo.Tmux("send-keys", "-t", $"={session}:", "Enter");
}

var tmuxServer = int.Parse(repo.Tmux("display-message", "-p", "#{pid}").Stdout.Trim(), CultureInfo.InvariantCulture);
using var dashboard = DashboardProcess.Start(repo);

(double Dashboard, double Tmux, double Wall) Measure(Func<double>? extra = null)
{
    Thread.Sleep(TimeSpan.FromSeconds(5)); // warm-up: JIT, first screens
    var d0 = CpuTime.Seconds(dashboard.Pid);
    var t0 = CpuTime.Seconds(tmuxServer);
    var x0 = extra?.Invoke() ?? 0;
    var watch = Stopwatch.StartNew();
    Thread.Sleep(TimeSpan.FromSeconds(seconds));
    var wall = watch.Elapsed.TotalSeconds;
    return (CpuTime.Seconds(dashboard.Pid) - d0, CpuTime.Seconds(tmuxServer) - t0 + (extra?.Invoke() ?? 0) - x0, wall);
}

Console.Error.WriteLine($"==> no terminal open: {seconds} s");
var idle = Measure();

Console.Error.WriteLine($"==> {panes} terminals open (one WebSocket per pane): {seconds} s");
var sockets = new List<TerminalSocket>();
foreach (var i in Enumerable.Range(1, panes))
{
    sockets.Add(await TerminalSocket.OpenAsync(dashboard, $"p{i}"));
}

TestRepo.WaitUntil(() => sockets.All(s => s.Messages.Count > 0), "every terminal got its screen");
var before = sockets.Sum(s => s.Messages.Count);
var live = Measure();
var messages = sockets.Sum(s => s.Messages.Count) - before;
var clients = repo.Tmux("list-clients", "-F", "#{client_control_mode}").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
foreach (var s in sockets)
{
    await s.CloseAsync();
    s.Dispose();
}

TestRepo.WaitUntil(() => repo.Tmux("list-clients").Stdout.Trim().Length == 0, "the feeds stopped");

Console.Error.WriteLine($"==> raw baseline: {panes} plain tmux -C clients, no dashboard viewer: {seconds} s");
var raw = new List<Process>();
foreach (var session in sessions)
{
    var info = new ProcessStartInfo("tmux") { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
    foreach (var a in new[] { "-L", repo.Socket, "-C", "attach-session", "-t", "=" + session, "-f", "ignore-size,read-only" })
    {
        info.ArgumentList.Add(a);
    }

    var p = Process.Start(info)!;
    new Thread(() =>
    {
        var buffer = new byte[64 * 1024];
        var stream = p.StandardOutput.BaseStream;
        while (stream.Read(buffer, 0, buffer.Length) > 0)
        {
        }
    }) { IsBackground = true }.Start();
    raw.Add(p);
}

var baseline = Measure(() => CpuTime.Seconds(raw.Select(p => p.Id)));
foreach (var p in raw)
{
    p.StandardInput.Close();
    p.WaitForExit(2000);
    p.Dispose();
}

var extra = (live.Dashboard / live.Wall) - (idle.Dashboard / idle.Wall);
report.AppendLine(CultureInfo.InvariantCulture, $"# Live terminals, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC\n");
report.AppendLine(CultureInfo.InvariantCulture, $"{Environment.ProcessorCount} cores; baton: {string.Join(' ', RepoPaths.Baton)}; {panes} panes each printing a coloured line every {intervalMs} ms; {seconds} s per phase after 5 s of warm-up\n");
report.AppendLine("| phase | dashboard CPU (% of a core) | tmux server CPU (+ raw clients) |");
report.AppendLine("| --- | --- | --- |");
report.AppendLine(CultureInfo.InvariantCulture, $"| no terminal open | {Pct(idle.Dashboard, idle.Wall)} | {Pct(idle.Tmux, idle.Wall)} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| {panes} terminals open ({clients} tmux control clients, {messages / live.Wall:0} messages/s to the pages) | {Pct(live.Dashboard, live.Wall)} | {Pct(live.Tmux, live.Wall)} |");
report.AppendLine(CultureInfo.InvariantCulture, $"| raw: {panes} plain `tmux -C` clients reading the panes | - | {Pct(baseline.Tmux, baseline.Wall)} |");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Extra dashboard CPU with {panes} terminals: **{100 * extra:0.0}% of a core** (goal <= 10%).");
Console.WriteLine(report);
if (args.Length > 0)
{
    File.WriteAllText(args[0], report.ToString());
}

return 0;
