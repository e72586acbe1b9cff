using System.Net;
using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Web;

/// <summary>The dashboard's event stream and actions against a real store, real tmux and a scripted agent.</summary>
public sealed class DashboardLiveTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task A_reconnecting_stream_gets_exactly_the_events_it_missed()
    {
        using var dashboard = DashboardProcess.Start(_repo);
        Log("first");
        Log("second");

        // Given a viewer that read the log from the start
        var all = JsonDocument.Parse(await dashboard.Client.GetStringAsync(new Uri("api/events?after=0&limit=1000", UriKind.Relative))).RootElement;
        var known = all.GetArrayLength();
        List<(long Id, string Data)> seen;
        using (var stream = await SseReader.OpenAsync(dashboard.Client, "0"))
        {
            seen = await stream.ReadAsync(known);
        }

        Assert.Equal(all.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()), seen.Select(e => e.Id));
        Assert.Equal("second", JsonDocument.Parse(seen[^1].Data).RootElement.GetProperty("message").GetString());

        // When it disconnects, three events are appended, and it reconnects with Last-Event-ID
        Log("missed one");
        Log("missed two");
        Log("missed three");
        using var again = await SseReader.OpenAsync(dashboard.Client, seen[^1].Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var missed = await again.ReadAsync(3);

        // Then exactly those arrive, in order, and the next thing after them is a new event (none repeated)
        Assert.Equal(["missed one", "missed two", "missed three"], missed.Select(e => Message(e.Data)));
        Assert.All(missed, e => Assert.True(e.Id > seen[^1].Id));
        Assert.Equal(missed.Select(e => e.Id).Order(), missed.Select(e => e.Id));
        Log("live");
        var next = Assert.Single(await again.ReadAsync(1));
        Assert.Equal("live", Message(next.Data));
        Assert.True(next.Id > missed[^1].Id);

        // A page of the log after an id agrees with the stream
        var page = JsonDocument.Parse(await dashboard.Client.GetStringAsync(new Uri($"api/events?after={seen[^1].Id}&limit=2", UriKind.Relative))).RootElement;
        Assert.Equal(missed.Take(2).Select(e => e.Id), page.EnumerateArray().Select(e => e.GetProperty("id").GetInt64()));
    }

    [Fact]
    public async Task Several_open_streams_each_receive_every_new_event()
    {
        using var dashboard = DashboardProcess.Start(_repo);
        var streams = new List<SseReader>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                // No Last-Event-ID and no ?after: a new viewer starts at the newest event
                streams.Add(await SseReader.OpenAsync(dashboard.Client, null));
            }

            Log("to everyone");
            foreach (var stream in streams)
            {
                Assert.Equal("to everyone", Message(Assert.Single(await stream.ReadAsync(1)).Data));
            }
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
        }
    }

    [Fact]
    public async Task A_message_sent_from_the_page_reaches_the_agent_and_a_dead_session_is_a_conflict()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "web-worker", "@say waiting for the page").Ok();
        _repo.WaitForState("web-worker", "idle");
        using var dashboard = DashboardProcess.Start(_repo);
        var csrf = await dashboard.CsrfAsync();

        // The workers as `baton list --json` prints them
        var workers = JsonDocument.Parse(await dashboard.Client.GetStringAsync(new Uri("api/workers", UriKind.Relative))).RootElement;
        Assert.Equal("web-worker", Assert.Single(workers.EnumerateArray()).GetProperty("name").GetString());

        // When the page sends a message, the agent receives it in its pane
        var sent = await dashboard.PostAsync("api/workers/web-worker/send", "{\"text\":\"@say hello from the dashboard\"}", csrf);
        var body = await sent.Content.ReadAsStringAsync();
        Assert.True(sent.StatusCode == HttpStatusCode.OK, body);
        Assert.True(JsonDocument.Parse(body).RootElement.GetProperty("verified").GetBoolean(), body);
        TestRepo.WaitUntil(() => _repo.Baton("capture", "web-worker", "--lines", "40").Stdout.Contains("hello from the dashboard", StringComparison.Ordinal), "the agent printed the message");

        // Kill ends it; a message to it afterwards is a conflict with the reason
        var killed = await dashboard.PostAsync("api/workers/web-worker/kill", null, csrf);
        Assert.Equal(HttpStatusCode.OK, killed.StatusCode);
        var late = await dashboard.PostAsync("api/workers/web-worker/send", "{\"text\":\"still there?\"}", csrf);
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("can no longer take messages", JsonDocument.Parse(await late.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString());

        // Both actions are recorded as the dashboard's
        foreach (var type in new[] { "worker_message_sent", "worker_killed" })
        {
            var recorded = Baton.IntegrationTests.Dispatch.AutopilotKit.Events(_repo, type);
            Assert.Equal("dashboard", Assert.Single(recorded).GetProperty("metadata").GetProperty("by").GetString());
        }
    }

    [Fact]
    public async Task With_a_page_open_and_no_autopilot_the_dashboard_itself_notices_a_worker_changing_state()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "watched", "@say ready").Ok();
        _repo.WaitForState("watched", "idle");
        using var dashboard = DashboardProcess.Start(_repo);
        using var stream = await SseReader.OpenAsync(dashboard.Client, null);

        // The agent is asked something behind Baton's back (no baton command runs from here on):
        // only the dashboard's own look at the panes can turn that into an event.
        _repo.Tmux("send-keys", "-t", "baton-watched", "-l", "@ask Proceed?").Ok();
        _repo.Tmux("send-keys", "-t", "baton-watched", "Enter").Ok();

        while (true)
        {
            var e = JsonDocument.Parse((await stream.ReadAsync(1))[0].Data).RootElement;
            if (e.GetProperty("type").GetString() == "worker_state_changed" && e.GetProperty("worker").GetString() == "watched"
                && e.GetProperty("message").GetString()!.Contains("waiting", StringComparison.Ordinal))
            {
                break;
            }
        }
    }

    [Fact]
    public async Task A_notification_acknowledged_from_the_page_is_recorded_as_by_the_dashboard()
    {
        // Given a delivered test notification
        using var hook = new WebhookReceiver();
        File.AppendAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"),
            $"notify:\n  channels:\n    ops: {{type: webhook, url: \"{hook.Url}\"}}\n  rules:\n    people: {{priority: urgent, channels: [ops]}}\n");
        _repo.Baton("notify", "test").Ok();
        using var dashboard = DashboardProcess.Start(_repo);
        var csrf = await dashboard.CsrfAsync();

        // When the page acknowledges it
        var acked = await dashboard.PostAsync("api/notifications/N-1/ack", null, csrf);

        // Then it answers as `baton notify ack --json` does, and the store says who acknowledged it
        var body = await acked.Content.ReadAsStringAsync();
        Assert.True(acked.StatusCode == HttpStatusCode.OK, body);
        var row = Assert.Single(JsonDocument.Parse(body).RootElement.EnumerateArray());
        Assert.Equal("acked", row.GetProperty("status").GetString());
        Assert.Equal("dashboard", row.GetProperty("acked_by").GetString());
        var listed = Assert.Single(_repo.Baton("notify", "list", "--json").Ok().Json().EnumerateArray());
        Assert.Equal("dashboard", listed.GetProperty("acked_by").GetString());
        var events = _repo.Baton("events", "recent", "20", "--type", "notification_acked", "--json").Ok().Json();
        Assert.Contains("acknowledged by dashboard", Assert.Single(events.EnumerateArray()).GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    private void Log(string message) => _repo.Baton("events", "log", "note", message).Ok();

    private static string Message(string data) => JsonDocument.Parse(data).RootElement.GetProperty("message").GetString()!;
}
