using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Baton.IntegrationTests.Dispatch;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Web;

/// <summary>`baton up --dashboard`: the page inside the autopilot process, and how the server stops.</summary>
public sealed class DashboardInUpTests : IDisposable
{
    private static readonly Dictionary<string, string> NoEnv = [];
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Up_with_the_dashboard_serves_the_page_while_the_loop_works_a_ticket()
    {
        AutopilotKit.Configure(_repo);
        var id = AutopilotKit.Ticket(_repo, "Writes a file", AutopilotKit.Work("T-1", "a.txt", "a"));

        using var up = DashboardProcess.Launch(_repo, NoEnv, ["up", "--plain", "--dashboard", "--dashboard-port", "0"]);
        using var stream = await SseReader.OpenAsync(up.Client, "0");

        // The page's stream carries the loop's own events, and its answers follow the ticket to done.
        TestRepo.WaitUntil(() => AutopilotKit.Status(_repo, id) == "done", "the ticket to be done", 90);
        var events = new List<string>();
        while (!events.Contains("task_completed"))
        {
            events.AddRange((await stream.ReadAsync(1)).Select(e => JsonDocument.Parse(e.Data).RootElement.GetProperty("type").GetString()!));
        }

        Assert.Contains("autopilot_started", events);
        Assert.Contains("task_dispatched", events);
        var tickets = JsonDocument.Parse(await up.Client.GetStringAsync(new Uri("api/tickets", UriKind.Relative))).RootElement;
        Assert.Equal("done", tickets.EnumerateArray().Single(t => t.GetProperty("id").GetString() == id).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await up.Anonymous.GetAsync(new Uri("api/tickets", UriKind.Relative))).StatusCode);

        // SIGTERM stops the loop and the page together, cleanly.
        Assert.Equal(0, up.Terminate());
        Assert.Single(AutopilotKit.Events(_repo, "autopilot_stopped"));
    }

    [Fact]
    public void A_busy_dashboard_port_fails_up_before_the_loop_starts_and_detach_needs_a_fixed_port()
    {
        AutopilotKit.Configure(_repo);
        using var busy = new TcpListener(IPAddress.Loopback, 0);
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        var failed = _repo.Baton("up", "--plain", "--until-done", "--dashboard", "--dashboard-port", port);

        Assert.Equal(1, failed.ExitCode);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", failed.Stderr);
        Assert.Empty(AutopilotKit.Events(_repo, "autopilot_started"));

        var detached = _repo.Baton("up", "--detach", "--dashboard", "--dashboard-port", "0");
        Assert.Equal(2, detached.ExitCode);
        Assert.Contains("--detach needs a fixed --dashboard-port", detached.Stderr);
    }

    [Fact]
    public async Task A_detached_loop_serves_its_dashboard_at_the_url_up_printed()
    {
        AutopilotKit.Configure(_repo);
        int free;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            free = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        var started = _repo.Baton("up", "--detach", "--dashboard", "--dashboard-port", free.ToString(System.Globalization.CultureInfo.InvariantCulture), "--json").Ok().Json();
        try
        {
            var message = started.GetProperty("message").GetString()!;
            var url = new Uri(message[(message.IndexOf("dashboard at ", StringComparison.Ordinal) + "dashboard at ".Length)..message.IndexOf("; watch", StringComparison.Ordinal)]);
            Assert.Equal(free, url.Port);
            using var client = new HttpClient();
            var token = System.Web.HttpUtility.ParseQueryString(url.Query)["token"]!;
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
            string? tickets = null;
            for (var i = 0; i < 100 && tickets is null; i++)
            {
                try
                {
                    tickets = await client.GetStringAsync(new Uri(url, "/api/tickets"));
                }
                catch (HttpRequestException)
                {
                    await Task.Delay(100); // the detached process holds the lock before its page listens
                }
            }

            Assert.Equal("[]", tickets?.Trim());
        }
        finally
        {
            _repo.Baton("down").Ok();
        }
    }

    [Fact]
    public async Task A_stopping_dashboard_ends_its_open_streams_cleanly_instead_of_cutting_them_after_a_grace_period()
    {
        using var dashboard = DashboardProcess.Start(_repo);
        using var stream = await SseReader.OpenAsync(dashboard.Client, null);

        var exit = dashboard.Terminate();

        // A stream still open at the server's stop would be aborted (an IOException here).
        await stream.ReadToEndAsync();
        Assert.Equal(0, exit);
    }
}
