using System.Net;
using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Web;

/// <summary>`baton nudge`, `baton approve` and the dashboard's POST /api/workers/{name}/nudge|approve, on real tmux with the scripted agent.</summary>
public sealed class WorkerActionsTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void The_cli_approves_a_waiting_question_and_refuses_when_there_is_none()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "asker", "@ask Delete the cache?\n@say cache deleted").Ok();
        _repo.WaitForState("asker", "waiting");

        var approved = _repo.Baton("approve", "asker", "--json").Ok().Json();

        Assert.Equal(("asker", "cli"), (approved.GetProperty("worker").GetString(), approved.GetProperty("by").GetString()));
        Assert.Equal(["y"], approved.GetProperty("keys").EnumerateArray().Select(k => k.GetString()!)); // the scripted profile's approve_keys
        TestRepo.WaitUntil(() => _repo.Baton("capture", "asker", "--lines", "40").Stdout.Contains("cache deleted", StringComparison.Ordinal), "the agent went on after the approval");
        var e = Assert.Single(Events("permission_approved"));
        Assert.Equal("cli", e.GetProperty("metadata").GetProperty("by").GetString());
        Assert.Contains("approved by cli", e.GetProperty("message").GetString(), StringComparison.Ordinal);

        // Nothing is asked any more: a clear refusal, exit 1, nothing pressed or recorded
        _repo.WaitForState("asker", "idle");
        var again = _repo.Baton("approve", "asker");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains("is not waiting on a permission question", again.Stderr, StringComparison.Ordinal);
        Assert.Single(Events("permission_approved"));
        Assert.Equal(2, _repo.Baton("approve", "nobody").ExitCode);
    }

    [Fact]
    public void The_cli_nudge_types_the_supervisors_text_and_records_who_asked()
    {
        var ticket = _repo.Baton("ticket", "create", "Nudge me", "--json").Ok().Json().GetProperty("id").GetString()!;
        _repo.Baton("spawn", "--agent", "scripted", "--name", "idler", "@say ready").Ok();
        _repo.WaitForState("idler", "idle");
        _repo.Baton("ticket", "assign", ticket, "idler").Ok();

        var nudged = _repo.Baton("nudge", "idler", "--json").Ok().Json();

        // About its ticket, as the supervisor words it: an idle agent is asked for its status, a busy one nudged
        var kind = nudged.GetProperty("kind").GetString();
        Assert.Equal((ticket, true), (nudged.GetProperty("ticket").GetString(), nudged.GetProperty("verified").GetBoolean()));
        var expected = kind == "asked" ? $"{ticket} is not reported finished" : $"No progress seen on {ticket}";
        Assert.Contains(expected, nudged.GetProperty("text").GetString(), StringComparison.Ordinal);
        TestRepo.WaitUntil(() => _repo.Baton("capture", "idler", "--lines", "60").Stdout.Contains(expected, StringComparison.Ordinal), "the agent received the nudge");
        var e = Assert.Single(Events(kind == "asked" ? "worker_status_asked" : "worker_nudged"));
        Assert.Equal((ticket, "cli"), (e.GetProperty("ticket").GetString(), e.GetProperty("metadata").GetProperty("by").GetString()));

        _repo.Baton("kill", "idler").Ok();
        var dead = _repo.Baton("nudge", "idler");
        Assert.Equal(1, dead.ExitCode);
        Assert.Contains("is killed", dead.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_page_nudges_and_approves_as_the_dashboard_with_404_409_for_unknown_and_cannot()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "web-asker", "@ask Run the migration?\n@say migrated").Ok();
        _repo.WaitForState("web-asker", "waiting");
        using var dashboard = DashboardProcess.Start(_repo);
        var csrf = await dashboard.CsrfAsync();

        // Approve: the question is answered, recorded as by the dashboard
        var approved = await Post(dashboard, "api/workers/web-asker/approve", csrf, HttpStatusCode.OK);
        Assert.Equal("dashboard", approved.GetProperty("by").GetString());
        TestRepo.WaitUntil(() => _repo.Baton("capture", "web-asker", "--lines", "40").Stdout.Contains("migrated", StringComparison.Ordinal), "the agent went on");
        Assert.Equal("dashboard", Assert.Single(Events("permission_approved")).GetProperty("metadata").GetProperty("by").GetString());
        _repo.WaitForState("web-asker", "idle");

        // Not waiting any more: 409 with the reason; an unknown worker: 404; no CSRF: 403
        var refused = await Post(dashboard, "api/workers/web-asker/approve", csrf, HttpStatusCode.Conflict);
        Assert.Contains("not waiting on a permission question", refused.GetProperty("error").GetString(), StringComparison.Ordinal);
        await Post(dashboard, "api/workers/ghost/approve", csrf, HttpStatusCode.NotFound);
        await Post(dashboard, "api/workers/ghost/nudge", csrf, HttpStatusCode.NotFound);
        await Post(dashboard, "api/workers/web-asker/nudge", null, HttpStatusCode.Forbidden);

        // Nudge: typed and recorded as by the dashboard
        var nudged = await Post(dashboard, "api/workers/web-asker/nudge", csrf, HttpStatusCode.OK);
        Assert.Equal(("asked", "dashboard"), (nudged.GetProperty("kind").GetString(), nudged.GetProperty("by").GetString()));
        TestRepo.WaitUntil(() => _repo.Baton("capture", "web-asker", "--lines", "60").Stdout.Contains("You are idle", StringComparison.Ordinal), "the agent received the nudge");
        Assert.Equal("dashboard", Assert.Single(Events("worker_status_asked")).GetProperty("metadata").GetProperty("by").GetString());

        // A killed worker cannot be nudged: 409
        _repo.Baton("kill", "web-asker").Ok();
        var dead = await Post(dashboard, "api/workers/web-asker/nudge", csrf, HttpStatusCode.Conflict);
        Assert.Contains("is killed", dead.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    private static async Task<JsonElement> Post(DashboardProcess dashboard, string path, string? csrf, HttpStatusCode status)
    {
        using var response = await dashboard.PostAsync(path, null, csrf);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"{path}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private List<JsonElement> Events(string type) =>
        _repo.Baton("events", "recent", "500", "--type", type, "--json").Ok().Json().EnumerateArray().ToList();
}
