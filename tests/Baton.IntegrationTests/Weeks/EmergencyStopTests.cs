using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>`baton emergency-stop` with three busy agents: the loop and every agent stopped, all uncommitted work saved, a report.</summary>
public sealed class EmergencyStopTests
{
    [Fact]
    public void Three_busy_agents_are_stopped_with_their_work_saved_and_their_tickets_reopened()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 3");
        var ids = Enumerable.Range(1, 3).Select(i => Ticket(repo, $"Busy {i}", $"@write work{i}.txt unsaved {i}\n@sleep 120")).ToList();
        using var loop = repo.StartBaton("up", "--plain");
        TestRepo.WaitUntil(() => ids.All(id => Show(repo, id).GetProperty("worktree").GetString() is { } w && File.Exists(Path.Combine(w, "work" + id[2..] + ".txt"))),
            "three agents to have written their files", 90);
        var worktrees = ids.ToDictionary(id => id, id => Show(repo, id).GetProperty("worktree").GetString()!);

        var r = repo.Baton("emergency-stop", "--json");

        Assert.True(r.ExitCode == 0, r.Stdout + r.Stderr);
        var json = r.Json();
        Assert.True(loop.WaitForExit(30_000), "the loop stopped");
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, json.GetProperty("loop_pid").ValueKind);
        Assert.Equal(3, json.GetProperty("ended").GetArrayLength());
        Assert.Equal(0, repo.Baton("list", "--json").Ok().Json().GetArrayLength());
        var snapshots = json.GetProperty("snapshots").EnumerateArray().ToDictionary(s => s.GetProperty("ticket").GetString()!, s => s.GetProperty("ref").GetString()!);
        foreach (var id in ids)
        {
            var n = id[2..];
            Assert.Equal($"unsaved {n}\n", repo.Git("show", snapshots[id] + $":work{n}.txt"));
            Assert.Equal($"unsaved {n}\n", File.ReadAllText(Path.Combine(worktrees[id], $"work{n}.txt"))); // the files stay too
            Assert.Equal("open", Status(repo, id));
        }

        Assert.Equal(ids.Order(), json.GetProperty("reopened").EnumerateArray().Select(e => e.GetString()!).Order());
        Assert.Single(Events(repo, "emergency_stop"));
    }

    [Fact]
    public void With_nothing_running_it_says_so()
    {
        using var repo = new TestRepo();

        var r = repo.Baton("emergency-stop").Ok().Stdout;

        Assert.Contains("no loop was running", r, StringComparison.Ordinal);
        Assert.Contains("no agents were running", r, StringComparison.Ordinal);
    }
}
