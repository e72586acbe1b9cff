using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Workers;

/// <summary>exited, lost, kill and kill-all, with the panes and sessions tmux really has.</summary>
public sealed class LifecycleTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void An_agent_that_crashes_shows_as_exited_with_its_code_and_its_last_screen_stays()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "crashy", "@say about to fail\n@crash 3").Ok();

        var exited = _repo.WaitForState("crashy", "exited");

        Assert.True(exited.GetProperty("exit_code").ValueKind == System.Text.Json.JsonValueKind.Number, exited + _repo.Baton("events", "recent", "30").Stdout);
        Assert.Equal(3, exited.GetProperty("exit_code").GetInt32());
        Assert.Contains("exited with code 3", exited.GetProperty("evidence").GetString());
        // remain-on-exit keeps the pane, so the last screen can still be read
        Assert.Contains("about to fail", _repo.Baton("capture", "crashy", "--lines", "40").Ok().Stdout);
    }

    [Fact]
    public void A_session_killed_behind_batons_back_is_lost()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "victim").Ok();

        _repo.Tmux("kill-session", "-t", "=baton-victim");

        var lost = _repo.WaitForState("victim", "lost");
        Assert.Contains("gone", lost.GetProperty("evidence").GetString());
    }

    [Fact]
    public void Kill_asks_the_agent_to_exit_then_removes_the_session()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "leaver").Ok();

        var outcome = _repo.Baton("kill", "leaver", "--json").Ok().Json();

        Assert.True(outcome.GetProperty("graceful").GetBoolean(), outcome.ToString());
        Assert.NotEqual(0, _repo.Tmux("has-session", "-t", "=baton-leaver").ExitCode);
        Assert.Equal("killed", _repo.State("leaver"));
        Assert.DoesNotContain("leaver", _repo.Baton("list").Ok().Stdout);
        var types = _repo.Baton("events", "recent", "20", "--worker", "leaver", "--json").Ok().Json()
            .EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("worker_exit_requested", types);
        Assert.Contains("worker_killed", types);
    }

    [Fact]
    public void Kill_stops_what_of_the_agent_ignores_the_hang_up_of_its_closed_session()
    {
        // Gemini CLI's node outlived its killed session this way, orphaned and holding its terminal.
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", "deaf.yaml"), """
            name: deaf
            command: ["sh", "-c", "trap '' HUP; echo READY; sleep 300; sleep 300"]
            exit_timeout: 1
            screen:
              ready: '^READY'
            """);
        _repo.Baton("spawn", "--agent", "deaf", "--name", "deaf").Ok();
        var database = Path.Combine(_repo.Dir, ".baton", "baton.db");
        TestRepo.WaitUntil(() => Agents("deaf", database).Count >= 2, "the agent's shell and its sleep", 30);

        _repo.Baton("kill", "deaf").Ok();

        Assert.Empty(Agents("deaf", database));
        Assert.Equal("killed", _repo.State("deaf"));
    }

    /// <summary>The live processes whose environment names this worker of this repository.</summary>
    private static List<int> Agents(string worker, string database)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            try
            {
                var environ = File.ReadAllText(Path.Combine(dir, "environ")).Split('\0');
                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                if (environ.Contains("BATON_WORKER=" + worker) && environ.Contains("BATON_DB=" + database) && stat[(stat.LastIndexOf(')') + 2)] != 'Z')
                {
                    found.Add(int.Parse(Path.GetFileName(dir), System.Globalization.CultureInfo.InvariantCulture));
                }
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // ended while we looked
            }
        }

        return found;
    }

    [Fact]
    public void Kill_all_spares_foreign_sessions_even_with_batons_prefix()
    {
        // Given two Baton workers and two sessions Baton did not create, one of them named like Baton's
        _repo.Baton("spawn", "--agent", "scripted", "--name", "one").Ok();
        _repo.Baton("spawn", "--agent", "scripted", "--name", "two").Ok();
        Assert.Equal(0, _repo.Tmux("new-session", "-d", "-s", "baton-foreign", "sleep", "300").ExitCode);
        Assert.Equal(0, _repo.Tmux("new-session", "-d", "-s", "mine", "sleep", "300").ExitCode);

        // When
        var killed = _repo.Baton("kill-all", "--json").Ok().Json();

        // Then only Baton's workers are gone
        Assert.Equal(2, killed.GetArrayLength());
        var left = _repo.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Order().ToList();
        Assert.Equal(["baton-foreign", "mine"], left);
    }

    [Fact]
    public void A_same_named_session_that_baton_did_not_create_is_not_taken_for_the_worker()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "twin").Ok();
        // Another session keeps the test's tmux server up: killing its last session ends the
        // server, and a new-session racing that exit was lost (seen once in six runs).
        _repo.Tmux("new-session", "-d", "-s", "keeper", "sleep", "300");
        _repo.Tmux("kill-session", "-t", "=baton-twin");
        _repo.Tmux("new-session", "-d", "-s", "baton-twin", "sleep", "300");

        Assert.Equal("lost", _repo.WaitForState("twin", "lost").GetProperty("state").GetString());
        _repo.Baton("kill-all").Ok();
        Assert.Equal(0, _repo.Tmux("has-session", "-t", "=baton-twin").ExitCode);
    }

    [Fact]
    public void A_killed_name_can_be_spawned_again_but_a_live_one_cannot()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "again").Ok();

        var twice = _repo.Baton("spawn", "--agent", "scripted", "--name", "again");
        Assert.Equal(1, twice.ExitCode);
        Assert.Contains("already", twice.Stderr);

        _repo.Baton("kill", "again").Ok();
        _repo.Baton("spawn", "--agent", "scripted", "--name", "again").Ok();
        Assert.Equal("idle", _repo.State("again"));
    }

    [Fact]
    public void Headless_runs_the_agent_as_a_process_with_a_log_and_records_its_exit_code()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--headless", "--name", "bg", "@say hello from headless\n@write head.txt yes").Ok();

        var done = _repo.WaitForState("bg", "exited");

        Assert.Equal(0, done.GetProperty("exit_code").GetInt32());
        Assert.Equal("headless", done.GetProperty("mode").GetString());
        Assert.True(File.Exists(Path.Combine(_repo.Dir, ".baton", "logs", "bg.log")));
        Assert.Contains("hello from headless", _repo.Baton("capture", "bg", "--lines", "10").Ok().Stdout);
        Assert.Equal("yes\n", File.ReadAllText(Path.Combine(_repo.Dir, "head.txt")));

        _repo.Baton("spawn", "--agent", "scripted", "--headless", "--name", "bad", "@crash 4").Ok();
        Assert.Equal(4, _repo.WaitForState("bad", "exited").GetProperty("exit_code").GetInt32());
    }

    [Fact]
    public void Killing_a_headless_worker_stops_its_process()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--headless", "--name", "slow", "@sleep 60").Ok();
        var pid = _repo.Worker("slow").GetProperty("pid").GetInt32();
        Assert.True(Directory.Exists($"/proc/{pid}"));

        _repo.Baton("kill", "slow").Ok();

        TestRepo.WaitUntil(() => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal), "the supervisor is gone");
        Assert.Equal("killed", _repo.State("slow"));
    }
}
