using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>The real Gemini CLI in `-p --output-format stream-json` mode, started by `baton spawn --headless`, against the scripted model.</summary>
public sealed class GeminiHeadlessTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Headless_gemini_writes_a_file_with_the_built_in_approval_mode_and_counts_what_the_server_reported()
    {
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile("notes.txt", "written by Gemini CLI\n", new ModelUsage(200, 40, 0, 0)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 150)),
        ]);
        RealAgentSetup.WriteProfile(_repo, "gemini", AgentBinaries.Gemini, null, null, GeminiSetup.Environment(_repo, server));

        _repo.Baton("spawn", "--headless", "--agent", "gemini", "--name", "gm", "Write notes.txt").Ok();

        var worker = _repo.WaitForState("gm", "exited", 90);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "gm.log"));
        Assert.True(worker.GetProperty("exit_code").GetInt32() == 0, $"exit code not 0; log:\n{log}\nrequests:\n{server.Describe()}");
        Assert.Equal("written by Gemini CLI\n", File.ReadAllText(Path.Combine(_repo.Dir, "notes.txt")));
        Assert.Contains("\"type\":\"result\"", log, StringComparison.Ordinal);
        Assert.True(server.ScriptDone, server.Describe());
        // The router's side request (generateContent, JSON mode) came first and reported nothing.
        Assert.EndsWith(":generateContent", server.Requests[0].Path, StringComparison.Ordinal);
        Assert.Contains("write_file", server.Requests.First(r => !r.IsSide).ToolNames);
        Assert.DoesNotContain("run_shell_command", server.Requests.First(r => !r.IsSide).ToolNames);

        // Baton's accounting, from the stream's result, equals what the server reported; Gemini's
        // cached tokens (inside its prompt count) are cache reads, not fresh input.
        Assert.Equal(new ModelUsage(230, 45, 0, 150), server.ReportedUsage);
        Assert.Equal(server.ReportedUsage, Usage(_repo, "gm"));
        var events = Events(_repo, "gm");
        Assert.Contains(events, e => e.Type == "agent_tool_use" && e.Message.StartsWith("write_file", StringComparison.Ordinal));
        Assert.Contains(events, e => e.Type == "agent_result" && e.Message == "run completed");
    }

    [Fact]
    public void Headless_gemini_in_yolo_mode_commits_with_a_shell_command()
    {
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile("notes.txt", "written by Gemini CLI\n", new ModelUsage(200, 40, 0, 0)),
            ModelStep.Run("git add notes.txt && git commit -q -m 'Gemini: notes'", new ModelUsage(50, 20, 0, 200)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 250)),
        ]);
        RealAgentSetup.WriteProfile(_repo, "gemini", AgentBinaries.Gemini, null, null, GeminiSetup.Environment(_repo, server));
        var profile = Path.Combine(_repo.Dir, ".baton", "agents", "gemini.yaml");
        File.WriteAllText(profile, File.ReadAllText(profile).Replace("\"auto_edit\"", "\"yolo\"", StringComparison.Ordinal));

        _repo.Baton("spawn", "--headless", "--agent", "gemini", "--name", "gy", "Write notes.txt and commit it").Ok();

        var worker = _repo.WaitForState("gy", "exited", 90);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "gy.log"));
        Assert.True(worker.GetProperty("exit_code").GetInt32() == 0, $"exit code not 0; log:\n{log}\nrequests:\n{server.Describe()}");
        Assert.Contains("Gemini: notes", _repo.Git("log", "--oneline", "-1"), StringComparison.Ordinal);
        Assert.True(server.ScriptDone, server.Describe());
        Assert.Equal(new ModelUsage(280, 65, 0, 450), server.ReportedUsage);
        Assert.Equal(server.ReportedUsage, Usage(_repo, "gy"));
    }

    [Fact]
    public void An_api_error_ends_headless_gemini_with_the_status_in_its_exit_code_and_an_error_event()
    {
        using var server = new ScriptedModelServer([], ModelStep.BadRequest("scripted failure 400"));
        RealAgentSetup.WriteProfile(_repo, "gemini", AgentBinaries.Gemini, null, null, GeminiSetup.Environment(_repo, server));

        _repo.Baton("spawn", "--headless", "--agent", "gemini", "--name", "ge", "Do anything").Ok();

        _repo.WaitForState("ge", "exited", 90);
        TestRepo.WaitUntil(() => _repo.Worker("ge").GetProperty("exit_code").ValueKind == System.Text.Json.JsonValueKind.Number, "the exit code recorded", 30);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "ge.log"));
        // Gemini CLI exits with the HTTP status modulo 256: 400 gives 144.
        Assert.True(_repo.Worker("ge").GetProperty("exit_code").GetInt32() == 144, log);
        Assert.Contains(Events(_repo, "ge"), e => e.Type == "agent_error" && e.Message.Contains("scripted failure 400", StringComparison.Ordinal));
        Assert.Equal(ModelUsage.Zero, server.ReportedUsage);
    }

    internal static ModelUsage Usage(TestRepo repo, string worker)
    {
        var total = repo.Baton("usage", "--worker", worker, "--json").Ok().Json().GetProperty("total");
        return new ModelUsage(total.GetProperty("input_tokens").GetInt64(), total.GetProperty("output_tokens").GetInt64(),
            total.GetProperty("cache_creation_tokens").GetInt64(), total.GetProperty("cache_read_tokens").GetInt64());
    }

    internal static List<(string Type, string Message)> Events(TestRepo repo, string worker) =>
        repo.Baton("events", "recent", "200", "--worker", worker, "--json").Ok().Json().EnumerateArray()
            .Select(e => (e.GetProperty("type").GetString()!, e.GetProperty("message").GetString() ?? ""))
            .ToList();
}
