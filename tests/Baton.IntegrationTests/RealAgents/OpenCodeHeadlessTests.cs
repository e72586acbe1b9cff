using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;
using static Baton.IntegrationTests.RealAgents.GeminiHeadlessTests;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>The real OpenCode in `run --format json` mode, started by `baton spawn --headless`, against the scripted model (Chat Completions).</summary>
public sealed class OpenCodeHeadlessTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Headless_opencode_writes_commits_and_counts_what_the_server_reported()
    {
        var file = Path.Combine(_repo.Dir, "notes.txt");
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile(file, "written by OpenCode\n", new ModelUsage(200, 40, 0, 0)),
            ModelStep.Run("git add notes.txt && git commit -q -m 'OpenCode: notes'", new ModelUsage(50, 20, 0, 200)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 250)),
        ]);
        RealAgentSetup.WriteProfile(_repo, "opencode", AgentBinaries.OpenCode, null, null, OpenCodeSetup.Environment(_repo, server));

        _repo.Baton("spawn", "--headless", "--agent", "opencode", "--name", "oc", "Write notes.txt and commit it").Ok();

        var worker = _repo.WaitForState("oc", "exited", 120);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "oc.log"));
        Assert.True(worker.GetProperty("exit_code").GetInt32() == 0, $"exit code not 0; log:\n{log}\nrequests:\n{server.Describe()}");
        Assert.Equal("written by OpenCode\n", File.ReadAllText(file));
        Assert.Contains("OpenCode: notes", _repo.Git("log", "--oneline", "-1"), StringComparison.Ordinal);
        Assert.True(server.ScriptDone, server.Describe());
        // Only Chat Completions, streaming; the prompt arrives wrapped in double quotes.
        Assert.All(server.Requests, r => Assert.Equal("/v1/chat/completions", r.Path));
        Assert.Contains(server.Requests, r => r.Body?.ToJsonString().Contains("\\u0022Write notes.txt and commit it\\u0022", StringComparison.Ordinal) == true
            || r.Body?.ToJsonString().Contains("\\\"Write notes.txt and commit it\\\"", StringComparison.Ordinal) == true);

        Assert.Equal(new ModelUsage(280, 65, 0, 450), server.ReportedUsage);
        Assert.Equal(server.ReportedUsage, Usage(_repo, "oc"));
        var run = Assert.Single(_repo.Baton("usage", "--worker", "oc", "--json").Ok().Json().GetProperty("workers").EnumerateArray());
        Assert.Equal(30 + 250, run.GetProperty("context_tokens").GetInt64()); // the last request's input
        var events = Events(_repo, "oc");
        Assert.Contains(events, e => e.Type == "agent_tool_use" && e.Message.StartsWith("bash git add", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Type == "agent_result" && e.Message == "turn completed");
    }

    [Fact]
    public void An_api_error_ends_headless_opencode_with_exit_1_and_an_error_event()
    {
        using var server = new ScriptedModelServer([], ModelStep.BadRequest("scripted failure 400"));
        RealAgentSetup.WriteProfile(_repo, "opencode", AgentBinaries.OpenCode, null, null, OpenCodeSetup.Environment(_repo, server));

        _repo.Baton("spawn", "--headless", "--agent", "opencode", "--name", "oe", "Do anything").Ok();

        _repo.WaitForState("oe", "exited", 120);
        TestRepo.WaitUntil(() => _repo.Worker("oe").GetProperty("exit_code").ValueKind == System.Text.Json.JsonValueKind.Number, "the exit code recorded", 30);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "oe.log"));
        Assert.True(_repo.Worker("oe").GetProperty("exit_code").GetInt32() == 1, log);
        Assert.Contains(Events(_repo, "oe"), e => e.Type == "agent_error" && e.Message.Contains("scripted failure 400", StringComparison.Ordinal));
    }
}
