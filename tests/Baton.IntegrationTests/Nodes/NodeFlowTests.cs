using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>`baton node` on the embedded store: the autopilot as a named node with its leases, capacity and labels.</summary>
public sealed class NodeFlowTests
{
    [Fact]
    public void A_node_runs_the_work_its_labels_allow_within_its_capacity_and_gives_its_leases_back()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 4");
        var plain = Ticket(repo, "Plain", Work("T-1", "a.txt", "alpha", "@sleep 1"));
        var gpu = Ticket(repo, "Needs a GPU", Work("T-2", "b.txt", "beta", "@sleep 1"), "--requires", "gpu");

        var node = repo.Baton("node", "--name", "solo", "--capacity", "1", "--labels", "gpu,linux", "--until-done", "--plain");

        Assert.True(node.ExitCode == 0, Describe(repo, node));
        Assert.Equal(("done", "done"), (Status(repo, plain), Status(repo, gpu)));
        Assert.Equal(1, MostAgentsAtOnce(repo)); // --capacity 1 under max_workers 4
        Assert.Contains("requires:gpu", Show(repo, gpu).GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        var nodes = repo.Baton("nodes", "--json").Ok().Json().GetProperty("nodes");
        var solo = Assert.Single(nodes.EnumerateArray());
        Assert.Equal(("solo", "stopped", 1), (solo.GetProperty("name").GetString(), solo.GetProperty("status").GetString(), solo.GetProperty("capacity").GetInt32()));
        Assert.Equal(0, solo.GetProperty("leases").GetArrayLength());
        Assert.Single(Events(repo, "node_started"));

        // A node without the label leaves such work alone, and takes the rest; SIGTERM ends it after its tick.
        var other = Ticket(repo, "Needs a GPU too", Work("T-3", "c.txt", "gamma"), "--requires", "gpu");
        var free = Ticket(repo, "Anyone", Work("T-4", "d.txt", "delta"));
        using var cpu = repo.StartBaton("node", "--name", "cpu", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Status(repo, free) == "done", "the label-less node ran T-4", 120);
            Assert.Equal("open", Status(repo, other));
            using (var term = System.Diagnostics.Process.Start("kill", ["-TERM", cpu.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
            {
                term.WaitForExit();
            }

            Assert.True(cpu.WaitForExit(60_000), "SIGTERM ends the node after its tick");
        }
        finally
        {
            if (!cpu.HasExited)
            {
                cpu.Kill(entireProcessTree: true);
                cpu.WaitForExit(10_000);
            }
        }

        Assert.Equal("open", Status(repo, other));
        var pruned = repo.Baton("nodes", "--prune", "--json").Ok().Json();
        Assert.Equal(["cpu", "solo"], pruned.GetProperty("pruned").EnumerateArray().Select(p => p.GetString()!).Order());
        Assert.Equal(0, pruned.GetProperty("nodes").GetArrayLength());
    }
}
