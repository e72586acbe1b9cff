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

        // Baton's own accounting, from the agent's stream, equals what the model server reported.
        var usage = _repo.Baton("usage", "--worker", "hc", "--json").Ok().Json().GetProperty("total");
        Assert.Equal(190, usage.GetProperty("input_tokens").GetInt64());
        Assert.Equal(65, usage.GetProperty("output_tokens").GetInt64());
        Assert.Equal(500, usage.GetProperty("cache_creation_tokens").GetInt64());
        Assert.Equal(1020, usage.GetProperty("cache_read_tokens").GetInt64());
        Assert.Equal(1020.0 / (190 + 500 + 1020), usage.GetProperty("cache_hit_rate").GetDouble(), 3);
        var run = Assert.Single(_repo.Baton("usage", "--worker", "hc", "--json").Ok().Json().GetProperty("workers").EnumerateArray());
        Assert.Equal("2.1.330", run.GetProperty("agent_version").GetString());
    }

    // Every request fails: Claude Code 2.1.330 asks again after a 400, up to six times, each time
    // with a beta header fewer (its fallback for a server that rejects a beta), even with
    // CLAUDE_CODE_MAX_RETRIES=0; a 429 it does not retry.
    [Theory]
    [InlineData(429)]
    [InlineData(400)]
    public void An_api_error_ends_headless_claude_with_exit_1_and_an_error_result_in_the_log(int status)
    {
        using var server = new ScriptedModelServer([], status == 429 ? ModelStep.RateLimited(45) : ModelStep.BadRequest("fake failure 400"));
        RealAgentSetup.WriteClaudeProfile(_repo, server, RealAgentSetup.ClaudeHome(_repo));

        _repo.Baton("spawn", "--headless", "--agent", "claude", "--name", "he", "Do anything").Ok();

        // A rate limit pauses the worker (the autopilot resumes its ticket at the reset); other errors end it.
        var worker = _repo.WaitForState("he", status == 429 ? "paused" : "exited", 60);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "he.log"));
        TestRepo.WaitUntil(() => _repo.Worker("he").GetProperty("exit_code").ValueKind == System.Text.Json.JsonValueKind.Number, "the exit code recorded", 30);
        Assert.True(_repo.Worker("he").GetProperty("exit_code").GetInt32() == 1, log);
        if (status == 429)
        {
            Assert.Contains("429", worker.GetProperty("evidence").GetString()!, StringComparison.Ordinal);
            Assert.Equal(System.Text.Json.JsonValueKind.String, worker.GetProperty("paused_until").ValueKind);
        }

        Assert.Contains("\"is_error\":true", log, StringComparison.Ordinal);
        Assert.Contains($"\"api_error_status\":{status}", log, StringComparison.Ordinal);
        Assert.All(server.Requests, r => Assert.Equal(status, r.Status));
        Assert.Equal(status == 429 ? 1 : 6, server.Requests.Count);
        Assert.Equal(ModelUsage.Zero, server.ReportedUsage);
    }
}
