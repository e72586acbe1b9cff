using System.Globalization;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>`baton up` killed with SIGKILL while a gate runs: the next loop stops that gate before it runs its own, so two gates never share a folder.</summary>
public sealed class GateLeftoverTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-gate-leftover-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_gate_a_killed_loop_left_running_is_stopped_by_the_next_loop_before_its_own_gate()
    {
        // Given a gate that holds a lock on its folder while it runs (a second gate at the same
        // time writes "concurrent") and waits on a long child until the test releases it
        using var repo = new TestRepo();
        var pids = Path.Combine(_dir, "pids");
        var released = Path.Combine(_dir, "released");
        File.WriteAllText(Path.Combine(_dir, "gate.sh"), $"""
            exec 9>>"$PWD/../gate-{Path.GetFileName(_dir)}.lock"
            flock -n 9 || echo concurrent >> '{_dir}/concurrent'
            echo $$ >> '{pids}'
            if [ -e '{released}' ]; then exit 0; fi
            sleep 300 &
            echo $! >> '{pids}'
            wait
            """);
        Configure(repo, gate: $"commands: [\"sh {Path.Combine(_dir, "gate.sh")}\"]");
        var id = Ticket(repo, "Gated", Work("T-1", "g.txt", "g"));

        // When the loop is killed (SIGKILL: nothing of it runs any more) while the gate runs
        using (var loop = repo.StartBaton("up", "--plain"))
        {
            TestRepo.WaitUntil(() => File.Exists(pids) && File.ReadAllLines(pids).Length >= 2, "the gate to start its child", 60);
            loop.Kill();
            loop.WaitForExit();
        }

        var left = File.ReadAllLines(pids).Select(l => int.Parse(l, CultureInfo.InvariantCulture)).ToList();
        Assert.Contains(left, pid => !Dead(pid)); // the gate outlived the loop that started it

        // Then the next loop stops it before it runs the gate again, and that gate passes alone
        File.WriteAllText(released, "");
        var up = Up(repo);
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.All(left, pid => Assert.True(Dead(pid), $"the killed loop's gate process {pid} still runs"));
        Assert.Contains("gate process", up.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_dir, "concurrent")), "two gates ran in one folder at once");
        Assert.Equal("done", Status(repo, id));
    }

    /// <summary>Gone or a zombie (an orphan waits in /proc until its new parent reaps it).</summary>
    private static bool Dead(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }
}
