using System.Net;
using System.Text.Json;
using Baton.IntegrationTests.Mcp;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Xunit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// The fleet as `status`, the MCP server and the dashboard see it: the rows `baton nodes --json`
/// lists, on the embedded store, with a node registered by the real `baton node`.
/// </summary>
public sealed class FleetViewTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Status_the_nodes_tool_and_api_nodes_show_the_node_baton_nodes_lists()
    {
        // No node yet: status is as it always was
        Assert.False(_repo.Baton("status", "--json").Ok().Json().TryGetProperty("nodes", out _));
        Assert.DoesNotContain("nodes:", _repo.Baton("status").Ok().Stdout, StringComparison.Ordinal);

        // A node that found nothing to do and stopped
        var node = _repo.Baton("node", "--name", "solo", "--capacity", "3", "--until-done", "--plain");
        Assert.True(node.ExitCode == 0, node.Stderr);
        var listed = _repo.Baton("nodes", "--json").Ok().Json().GetProperty("nodes");
        Assert.Equal(("solo", "stopped", 3), Summary(Assert.Single(listed.EnumerateArray())));

        var status = _repo.Baton("status", "--json").Ok().Json();
        var row = Assert.Single(status.GetProperty("nodes").EnumerateArray());
        Assert.Equal(("solo", "stopped", 3), Summary(row));
        Assert.Equal(0, row.GetProperty("leases").GetArrayLength());
        Assert.True(row.GetProperty("heartbeat_seconds_ago").GetInt64() >= 0);
        Assert.Equal(listed[0].GetProperty("heartbeat_at").GetString(), row.GetProperty("heartbeat_at").GetString());
        var text = _repo.Baton("status").Ok().Stdout;
        Assert.Contains("nodes: 0 running, 1 stopped, 0 lost", text, StringComparison.Ordinal);
        Assert.Matches(@"  solo stopped, 0/3 leases held, heartbeat \d+s ago", text);

        // The MCP tool, for the orchestrator
        await using (var client = await McpClients.StdioAsync(_repo))
        {
            Assert.Contains(await client.ListToolsAsync(), t => t.Name == "nodes");
            var tool = await client.OkAsync("nodes");
            Assert.Equal(("solo", "stopped", 3), Summary(Assert.Single(tool.GetProperty("nodes").EnumerateArray())));
        }

        // The dashboard, behind its token like every other read
        using var dashboard = DashboardProcess.Start(_repo);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.Anonymous.GetAsync(new Uri("api/nodes", UriKind.Relative))).StatusCode);
        var api = await DashboardViewsTests.GetJson(dashboard, "api/nodes");
        Assert.Equal(("solo", "stopped", 3), Summary(Assert.Single(api.GetProperty("nodes").EnumerateArray())));
        Assert.Equal(0, api.GetProperty("pruned").GetArrayLength());
    }

    private static (string?, string?, int) Summary(JsonElement node) =>
        (node.GetProperty("name").GetString(), node.GetProperty("status").GetString(), node.GetProperty("capacity").GetInt32());
}
