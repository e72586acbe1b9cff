using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>
/// `baton down` (SIGTERM) while the loop has work under way: `baton up` handles the signal itself and
/// finishes that work however long it takes. Nothing in the command-line layer may end the process
/// first (System.CommandLine's own termination timeout would exit 143 after 2 s).
/// </summary>
public sealed class AutopilotTerminationTests
{
    [Fact]
    public void Sigterm_during_a_long_spawn_lets_it_finish_then_exits_0_having_recorded_the_stop()
    {
        // Given an agent that takes 5 s to start, so the spawn under way outlasts any 2 s grace
        using var repo = new TestRepo();
        Configure(repo);
        var config = Path.Combine(repo.Dir, ".baton", "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("default: scripted", "default: slow", StringComparison.Ordinal));
        Directory.CreateDirectory(Path.Combine(repo.Dir, ".baton", "agents"));
        var scripted = File.ReadAllText(Path.Combine(RepoPaths.Root, "assets", "agents", "scripted.yaml"));
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "agents", "slow.yaml"), scripted
            .Replace("name: scripted", "name: slow", StringComparison.Ordinal)
            .Replace("command: [\"{baton}\", \"scripted-agent\"]", "command: [\"sh\", \"-c\", \"sleep 5; exec \\\"$@\\\"\", \"slow-agent\", \"{baton}\", \"scripted-agent\"]", StringComparison.Ordinal));
        var id = Ticket(repo, "Slow start", "@say started");
        using var up = repo.StartBaton("up", "--plain");

        // When SIGTERM arrives while the agent is still starting
        TestRepo.WaitUntil(() => Events(repo, "worker_spawned").Count > 0, "the spawn to begin", 40);
        Assert.Empty(Events(repo, "worker_prompt_sent"));
        using (var kill = System.Diagnostics.Process.Start("kill", ["-TERM", up.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        // Then the spawn finished (the prompt went in), the stop was recorded, and up exited 0
        Assert.True(up.WaitForExit(TimeSpan.FromSeconds(60)), "baton up did not exit a minute after SIGTERM");
        Assert.True(up.ExitCode == 0, $"baton up exited {up.ExitCode}\n" + string.Join('\n', Events(repo).Select(e => $"{e.GetProperty("type")} {e.GetProperty("message")}")));
        Assert.Single(Events(repo, "worker_prompt_sent", id));
        Assert.Single(Events(repo, "autopilot_stopped"));
    }
}
