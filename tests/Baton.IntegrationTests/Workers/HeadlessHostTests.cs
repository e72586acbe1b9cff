using System.Globalization;
using Baton.Core.Workers;
using Baton.Infrastructure.Processes;
using Baton.Infrastructure.Workers;
using Xunit;

namespace Baton.IntegrationTests.Workers;

/// <summary>The headless host's detached start through the process seam, with a shell standing in for `baton`.</summary>
public sealed class HeadlessHostTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-headless-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void The_supervisor_runs_detached_in_a_session_of_its_own_and_stops_with_its_group()
    {
        // Given a "baton" that records who it is and where, then runs the agent command
        var facts = Path.Combine(_dir, "facts");
        var self = new[] { "sh", "-c", $"echo $$ $(cut -d' ' -f6 /proc/$$/stat) \"$(pwd)\" \"$BATON_TEST_ENV\" \"$*\" > '{facts}.tmp'; mv '{facts}.tmp' '{facts}'; shift 4; \"$@\"", "baton" };
        var host = new HeadlessHost(new ProcessRunner(), self);

        // When it starts an agent that runs for long
        var pid = host.Start(new HeadlessLaunch(
            "w1", ["sleep", "300"], _dir, new Dictionary<string, string> { ["BATON_TEST_ENV"] = "set" }, Path.Combine(_dir, "log")));

        // Then the pid returned is the supervisor's, it leads its own session, and it got the
        // working directory, the environment and the supervisor's arguments
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!File.Exists(facts) && DateTime.UtcNow < deadline)
        {
            Thread.Sleep(20);
        }

        var seen = File.ReadAllText(facts).Trim();
        Assert.Equal($"{pid} {pid} {_dir} set headless-run w1 {Path.Combine(_dir, "log")} -- sleep 300", seen);
        Assert.True(host.IsAlive(pid));

        // And stopping it takes the group down (the agent command included)
        host.Stop(pid, TimeSpan.FromSeconds(5));
        Assert.False(host.IsAlive(pid));
        Assert.DoesNotContain(AgentsOf(pid), p => File.Exists($"/proc/{p}/stat") && !Zombie(p));
    }

    private static IEnumerable<int> AgentsOf(int session) =>
        Directory.EnumerateDirectories("/proc")
            .Select(d => int.TryParse(Path.GetFileName(d), NumberStyles.None, CultureInfo.InvariantCulture, out var p) ? p : 0)
            .Where(p => p > 0 && Session(p) == session);

    private static int Session(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[3], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static bool Zombie(int pid)
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
