using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>The real Claude Code in `-p` stream-json mode, started by `baton spawn --headless`, against the scripted model.</summary>
public sealed class ClaudeHeadlessTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Headless_claude_writes_and_commits_a_file_and_exits_0()
    {
        var file = Path.Combine(_repo.Dir, "hello.txt");
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile(file, "hello from the scripted model\n", new ModelUsage(120, 30, 500, 0)),
            ModelStep.Run("git add hello.txt && git commit -q -m 'Add hello.txt'", new ModelUsage(40, 25, 0, 500)),
            ModelStep.Say("Committed hello.txt.", new ModelUsage(30, 10, 0, 520)),
        ]);
        RealAgentSetup.WriteClaudeProfile(_repo, server, RealAgentSetup.ClaudeHome(_repo),
            headlessArgs: ["--permission-mode", "acceptEdits", "--allowedTools", "Bash(git add:*),Bash(git commit:*)"]);

        _repo.Baton("spawn", "--headless", "--agent", "claude", "--name", "hc", "Write hello.txt and commit it").Ok();

        var worker = _repo.WaitForState("hc", "exited", 60);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "hc.log"));
        Assert.True(worker.GetProperty("exit_code").GetInt32() == 0, $"exit code not 0; log:\n{log}\nrequests:\n{server.Describe()}");
        Assert.Equal("hello from the scripted model\n", File.ReadAllText(file));
        Assert.Contains("Add hello.txt", _repo.Git("log", "--oneline", "-1"));
        Assert.Contains("\"type\":\"result\"", log);
        Assert.True(server.ScriptDone, server.Describe());
        Assert.Equal(new ModelUsage(190, 65, 500, 1020), server.ReportedUsage);
    }
}
