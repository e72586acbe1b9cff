using System.Net;
using System.Text;
using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Web;

/// <summary>The dashboard's live terminals: a real `baton dashboard`, real tmux on the test's socket, WebSocket clients.</summary>
public sealed class TerminalTests : IDisposable
{
    private const string Secret = "dash-only-Z7x6c5v4b3n2";

    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    /// <summary>A worker whose pane is a plain shell the test types into.</summary>
    private string Shell(string name)
    {
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", "shell.yaml"), """
            name: shell
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
        _repo.Baton("spawn", "--agent", "shell", "--name", name).Ok();
        var session = _repo.Worker(name).GetProperty("session").GetString()!;
        TestRepo.WaitUntil(() => Screen(session).Contains("ready$", StringComparison.Ordinal), "the shell started");
        return session;
    }

    private string Screen(string session) => _repo.Tmux("capture-pane", "-p", "-t", $"={session}:").Stdout;

    private void Type(string session, string line)
    {
        _repo.Tmux("send-keys", "-t", $"={session}:", "-l", line);
        _repo.Tmux("send-keys", "-t", $"={session}:", "Enter");
    }

    private int ControlClients() => _repo.Tmux("list-clients", "-F", "#{client_control_mode}").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;

    [Fact]
    public async Task Two_pages_see_the_pane_live_on_one_tmux_client_that_stops_after_the_last()
    {
        var session = Shell("term");
        var size = _repo.Tmux("display-message", "-p", "-t", $"={session}:", "#{pane_width}x#{pane_height}").Stdout.Trim();
        Type(session, "echo first-$((20+1))");
        TestRepo.WaitUntil(() => Screen(session).Contains("first-21", StringComparison.Ordinal), "the shell printed");
        using var dashboard = DashboardProcess.Start(_repo);

        using var one = await TerminalSocket.OpenAsync(dashboard, "term");
        using var two = await TerminalSocket.OpenAsync(dashboard, "term");
        TestRepo.WaitUntil(() => one.Text.Contains("first-21", StringComparison.Ordinal) && two.Text.Contains("first-21", StringComparison.Ordinal), "both pages got the screen");
        var screen = one.Messages[0];
        Assert.Equal("screen", screen.GetProperty("type").GetString());
        Assert.Equal(size, $"{screen.GetProperty("cols").GetInt32()}x{screen.GetProperty("rows").GetInt32()}");

        Type(session, "printf '\\033[32m%s\\033[0m\\n' live-$((30+3))");
        TestRepo.WaitUntil(() => one.Text.Contains("\u001b[32mlive-33", StringComparison.Ordinal) && two.Text.Contains("\u001b[32mlive-33", StringComparison.Ordinal), "both pages saw the live output with its colour");

        Assert.Equal(1, ControlClients());
        Assert.Equal(size, _repo.Tmux("display-message", "-p", "-t", $"={session}:", "#{pane_width}x#{pane_height}").Stdout.Trim());

        await one.CloseAsync();
        Type(session, "echo still-$((40+4))");
        TestRepo.WaitUntil(() => two.Text.Contains("still-44", StringComparison.Ordinal), "the other page still gets output");
        Assert.Equal(1, ControlClients());
        await two.CloseAsync();
        TestRepo.WaitUntil(() => ControlClients() == 0, "the feed stopped after the last page left", seconds: 10);
    }

    [Fact]
    public async Task A_session_that_ends_tells_the_page_and_closes()
    {
        var session = Shell("doomed");
        using var dashboard = DashboardProcess.Start(_repo);
        using var page = await TerminalSocket.OpenAsync(dashboard, "doomed");
        TestRepo.WaitUntil(() => page.Text.Contains("ready$", StringComparison.Ordinal), "the page got the screen");

        _repo.Tmux("kill-session", "-t", $"={session}");

        TestRepo.WaitUntil(() => page.Ended is not null, "the page was told");
        Assert.Equal($"the session {session} ended", page.Ended!.Value.GetProperty("reason").GetString());
        TestRepo.WaitUntil(() => page.State != System.Net.WebSockets.WebSocketState.Open, "the socket closed");
        TestRepo.WaitUntil(() => ControlClients() == 0, "no tmux client is left", seconds: 10);
    }

    [Fact]
    public async Task Unknown_workers_missing_tokens_and_foreign_pages_are_refused()
    {
        Shell("guarded");
        using var dashboard = DashboardProcess.Start(_repo);

        Assert.Equal(HttpStatusCode.NotFound, await TerminalSocket.RefusedAsync(dashboard, "nobody"));
        Assert.Equal(HttpStatusCode.Unauthorized, await TerminalSocket.RefusedAsync(dashboard, "guarded", token: false));
        Assert.Equal(HttpStatusCode.Forbidden, await TerminalSocket.RefusedAsync(dashboard, "guarded", origin: "http://evil.example"));
        Assert.Equal(HttpStatusCode.Forbidden, await TerminalSocket.RefusedAsync(dashboard, "guarded", origin: "http://127.0.0.1:1"));
        Assert.Equal(HttpStatusCode.BadRequest, (await dashboard.Client.GetAsync(new Uri("api/workers/guarded/terminal", UriKind.Relative))).StatusCode);
        Assert.Equal(0, ControlClients());
    }

    [Fact]
    public async Task A_secret_of_the_dashboard_printed_in_two_writes_never_reaches_the_page()
    {
        var session = Shell("leaky");
        using var dashboard = DashboardProcess.Start(_repo, new Dictionary<string, string> { ["DASHBOARD_ONLY_TOKEN"] = Secret });
        using var page = await TerminalSocket.OpenAsync(dashboard, "leaky");
        TestRepo.WaitUntil(() => page.Text.Contains("ready$", StringComparison.Ordinal), "the page got the screen");

        // The shell never had the secret: it prints it from base64 halves, in two writes apart.
        Type(session, $"printf 'key=%s' $(echo {B64(Secret[..10])} | base64 -d); sleep 0.3; printf '%s end-%s\\n' $(echo {B64(Secret[10..])} | base64 -d) $((2+3))");
        TestRepo.WaitUntil(() => page.Text.Contains("end-5", StringComparison.Ordinal), "the output arrived");

        Assert.Contains("key=[REDACTED] end-5", page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret[..10], page.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret[10..], page.Text, StringComparison.Ordinal);

        // The phone view's text is masked too
        var pane = JsonDocument.Parse(await dashboard.Client.GetStringAsync(new Uri("api/workers/leaky/pane", UriKind.Relative))).RootElement;
        Assert.Contains("key=[REDACTED] end-5", pane.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_phone_view_gets_the_plain_text_and_an_ended_session_is_a_clear_error()
    {
        var session = Shell("phone");
        Type(session, "printf '\\033[31m%s\\033[0m\\n' red-$((6*7))");
        TestRepo.WaitUntil(() => Screen(session).Contains("red-42", StringComparison.Ordinal), "the shell printed");
        using var dashboard = DashboardProcess.Start(_repo);

        var pane = JsonDocument.Parse(await dashboard.Client.GetStringAsync(new Uri("api/workers/phone/pane", UriKind.Relative))).RootElement;
        Assert.Contains("red-42", pane.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b", pane.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await dashboard.Client.GetAsync(new Uri("api/workers/nobody/pane", UriKind.Relative))).StatusCode);

        _repo.Tmux("kill-session", "-t", $"={session}");
        await Task.Delay(TimeSpan.FromSeconds(1.1)); // past the one-second cache
        var ended = await dashboard.Client.GetAsync(new Uri("api/workers/phone/pane", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Conflict, ended.StatusCode);
        Assert.Contains("has ended", await ended.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_pages_and_the_vendored_xterm_are_served_from_the_binary()
    {
        using var dashboard = DashboardProcess.Start(_repo);

        var page = await dashboard.Client.GetAsync(new Uri("terminal.html?worker=x", UriKind.Relative));
        var xterm = await dashboard.Client.GetAsync(new Uri("vendor/xterm/xterm.js", UriKind.Relative));
        var css = await dashboard.Client.GetAsync(new Uri("vendor/xterm/xterm.css", UriKind.Relative));
        var phone = await dashboard.Client.GetAsync(new Uri("pane.html?worker=x", UriKind.Relative));
        var index = await dashboard.Client.GetAsync(new Uri("/", UriKind.Relative));

        Assert.Equal((HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK), (page.StatusCode, xterm.StatusCode, css.StatusCode, phone.StatusCode));
        Assert.Contains("id=\"terminal\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("/vendor/xterm/xterm.js", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Contains("id=\"pane-text\"", await phone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("text/javascript", xterm.Content.Headers.ContentType!.MediaType);
        Assert.Contains("Terminal", await xterm.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Inline styles (xterm.js makes <style> elements) on the terminal page alone; no page allows inline scripts.
        Assert.Contains("style-src 'self' 'unsafe-inline'", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", index.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.DoesNotContain("script-src", page.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
