using System.Text.Json.Nodes;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>
/// The real Claude Code, started by `baton up` for a ticket whose role has `mcp: true`, finds
/// Baton's MCP server through the --mcp-config Baton wrote, and the scripted model calls
/// mcp__baton__report_progress: the note is in the store, recorded as that worker's call.
/// </summary>
public sealed class ClaudeMcpTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void A_claude_worker_reports_progress_through_batons_mcp_tool()
    {
        using var model = new ScriptedModelServer([
            ModelStep.Mcp("baton", "get_ticket", new JsonObject()),
            ModelStep.Mcp("baton", "report_progress", new JsonObject { ["message"] = "schema drafted via MCP" }),
            ModelStep.Say("Reported."),
        ]);
        Configure(_repo, autopilot: "headless: true");
        RealAgentSetup.WriteClaudeProfile(_repo, model, RealAgentSetup.ClaudeHome(_repo));
        Role(_repo, "mcpworker", text => text + "\nmcp: true\n");
        var id = Ticket(_repo, "Draft the schema", "Report progress through Baton's MCP tools.", "--role", "mcpworker", "--agent", "claude");

        using (var loop = _repo.StartBaton("up", "--plain"))
        {
            try
            {
                TestRepo.WaitUntil(() => Show(_repo, id).GetProperty("note").GetString() == "schema drafted via MCP", "the note written through MCP", 120);
            }
            catch (Xunit.Sdk.XunitException e)
            {
                throw new Xunit.Sdk.XunitException($"{e.Message}\nrequests:\n{model.Describe()}\nevents:\n{string.Join('\n', Events(_repo, ticket: id).Select(x => x.GetProperty("type").GetString() + ": " + x.GetProperty("message").GetString()))}");
            }
            finally
            {
                _repo.Baton("down");
                loop.WaitForExit(60_000);
                _repo.Baton("kill-all");
            }
        }

        // The model was told of Baton's worker tools (and only those; 2.1.330 defers MCP tools behind
        // its ToolSearch tool and names them in the request instead of listing their schemas), and
        // the call is that worker's.
        var offered = string.Concat(model.Requests.Where(r => !r.IsSide).Select(r => r.Body?.ToJsonString()));
        Assert.Contains("mcp__baton__report_progress", offered, StringComparison.Ordinal);
        Assert.DoesNotContain("mcp__baton__spawn_worker", offered, StringComparison.Ordinal);
        var calls = Events(_repo, "mcp_call");
        Assert.Contains(calls, c => c.GetProperty("metadata").GetProperty("tool").GetString() == "get_ticket" && c.GetProperty("metadata").GetProperty("outcome").GetString() == "ok");
        var report = Assert.Single(calls, c => c.GetProperty("metadata").GetProperty("tool").GetString() == "report_progress");
        Assert.StartsWith("worker:", report.GetProperty("metadata").GetProperty("caller").GetString());
        Assert.Equal(id, report.GetProperty("ticket").GetString());
        // The tool's answer (the ticket as JSON) reached the model as the tool result.
        Assert.Contains(model.Requests, r => r.Body?.ToJsonString().Contains("Draft the schema", StringComparison.Ordinal) == true && r.ToolResults.Count > 0);
    }
}
