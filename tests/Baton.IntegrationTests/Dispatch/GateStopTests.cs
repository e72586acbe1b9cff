using System.Globalization;
using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>`baton down` while a gate runs: the gate's commands and their children stop with the loop.</summary>
public sealed class GateStopTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-gate-stop-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Down_stops_a_running_gate_and_its_children_without_failing_the_ticket()
    {
        // Given a gate that starts a long child (until the test lets it pass), and one try only:
        // a stopped gate counted as a failure would fail the ticket
        using var repo = new TestRepo();
        var pidFile = Path.Combine(_dir, "pid");
        var released = Path.Combine(_dir, "released");
        File.WriteAllText(Path.Combine(_dir, "gate.sh"),
            $"if [ -e '{released}' ]; then exit 0; fi\nsleep 300 &\necho $! > '{pidFile}.tmp'; mv '{pidFile}.tmp' '{pidFile}'\nwait\n");
        Configure(repo, gate: $"commands: [\"sh {Path.Combine(_dir, "gate.sh")}\"]\nretries: 1");
        var id = Ticket(repo, "Gated", Work("T-1", "g.txt", "g"));

        // When `baton up` runs it into its gate and `baton down` stops the loop
        using (var loop = repo.StartBaton("up", "--plain"))
        {
            try
            {
                TestRepo.WaitUntil(() => File.Exists(pidFile), "the gate to start its child", 60);
            }
            finally
            {
                repo.Baton("down").Ok();
            }

            Assert.True(loop.WaitForExit(TimeSpan.FromSeconds(30)), "`baton up` did not exit after `baton down`");
        }

        // Then the gate's child is gone, and the ticket waits in testing, its gate neither failed nor counted
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.True(Dead(child), $"the gate's child {child} still runs after `baton down`");
        Assert.Equal("testing", Status(repo, id));
        Assert.Empty(Events(repo, "gate_failed", id));

        // And the next `baton up` runs the gate again, which now passes
        File.WriteAllText(released, "");
        var up = Up(repo);
        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.Equal("done", Status(repo, id));
        Assert.Equal(2, Events(repo, "gate_started", id).Count);
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
