using System.Globalization;
using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Agents;

/// <summary>
/// `baton spawn --headless` with the built-in claude and codex profiles, where `claude` and `codex`
/// on PATH are tiny scripts that print a version, or replay a recorded event stream: the supervisor
/// parses it into events, usage and (on a 429) a pause, through the real CLI and store.
/// </summary>
public sealed class HeadlessStreamTests : IDisposable
{
    private readonly TestRepo _repo = new();
    private readonly string _bin;

    public HeadlessStreamTests()
    {
        _bin = Path.Combine(_repo.Dir, ".baton", "fakebin");
        Directory.CreateDirectory(_bin);
        _repo.SetEnv("PATH", _bin + ":" + Environment.GetEnvironmentVariable("PATH"));
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void A_claude_stream_becomes_events_and_usage_equal_to_what_it_reported()
    {
        FakeAgent("claude", "2.1.330 (Claude Code)", Fixture("claude-code-2.1.197/headless-stream-json.jsonl"));

        _repo.Baton("spawn", "--headless", "--agent", "claude", "--name", "hc", "write hello").Ok();
        _repo.WaitForState("hc", "exited");

        Assert.Contains("Write", Assert.Single(Events("agent_tool_use")).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Single(Events("agent_result"));
        var usage = Assert.Single(Events("worker_usage")).GetProperty("metadata");
        Assert.Equal("claude", usage.GetProperty("agent").GetString());
        Assert.Equal("38", usage.GetProperty("tokens").GetString()); // 24 in + 14 out, what the hourly budget counts
        var total = _repo.Baton("usage", "--worker", "hc", "--json").Ok().Json().GetProperty("total");
        Assert.Equal((24L, 14L, 0L, 0L), (total.GetProperty("input_tokens").GetInt64(), total.GetProperty("output_tokens").GetInt64(),
            total.GetProperty("cache_creation_tokens").GetInt64(), total.GetProperty("cache_read_tokens").GetInt64()));
        Assert.Equal(0.00047m, total.GetProperty("cost_usd").GetDecimal());
        Assert.Equal(1_000_000, total.GetProperty("context_window").GetInt64());
        var run = Assert.Single(_repo.Baton("usage", "--json").Ok().Json().GetProperty("workers").EnumerateArray());
        Assert.Equal("2.1.330", run.GetProperty("agent_version").GetString());
        Assert.Contains("\"claude_code_version\":\"2.1.197\"", File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "hc.log")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_codex_exec_stream_counts_its_command_and_its_turn_usage()
    {
        FakeAgent("codex", "codex-cli 0.169.0", Fixture("codex-0.169.0/exec-json.jsonl"));

        _repo.Baton("spawn", "--headless", "--agent", "codex", "--name", "hx", "write hello").Ok();
        _repo.WaitForState("hx", "exited");

        Assert.StartsWith("command ", Assert.Single(Events("agent_tool_use")).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Single(Events("agent_warning")); // "Model metadata ... not found" does not end the turn
        var total = _repo.Baton("usage", "--json").Ok().Json().GetProperty("total");
        Assert.Equal((40L, 10L), (total.GetProperty("input_tokens").GetInt64(), total.GetProperty("output_tokens").GetInt64()));
        Assert.Equal(JsonValueKind.Null, total.GetProperty("cost_usd").ValueKind); // Codex reports no cost
    }

    [Fact]
    public void A_headless_agent_killed_right_after_its_stream_reported_usage_keeps_that_usage_and_its_supervisor_records_the_end()
    {
        // Given a claude whose stream reports its usage, and which then works on
        FakeAgent("claude", "2.1.330 (Claude Code)", Fixture("claude-code-2.1.197/headless-stream-json.jsonl"), then: "sleep 300");
        _repo.Baton("spawn", "--headless", "--agent", "claude", "--name", "hk", "write hello").Ok();
        var log = Path.Combine(_repo.Dir, ".baton", "logs", "hk.log");
        for (var i = 0; i < 400 && !(File.Exists(log) && File.ReadAllText(log).Contains("\"type\":\"result\"", StringComparison.Ordinal)); i++)
        {
            Thread.Sleep(25); // the supervisor has read the whole stream once its log holds the result
        }

        // When it is killed at once (its supervisor gets the group's SIGTERM too, usually before
        // its next flush)
        _repo.Baton("kill", "hk").Ok();

        // Then the usage its stream reported is recorded, and the supervisor outlived the signal to
        // record the agent's end before the kill was recorded
        var usage = Assert.Single(Events("worker_usage")).GetProperty("metadata");
        Assert.Equal("38", usage.GetProperty("tokens").GetString());
        Assert.Contains("headless agent exited", Assert.Single(Events("worker_exited")).GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal("killed", _repo.Worker("hk").GetProperty("state").GetString());
    }

    [Fact]
    public void A_429_from_a_headless_agent_pauses_its_worker_until_the_retry_time()
    {
        var stream = string.Join('\n',
            """{"type":"system","subtype":"init","session_id":"s","model":"claude-opus-5-5","claude_code_version":"2.1.330"}""",
            """{"type":"system","subtype":"api_retry","attempt":1,"max_retries":1,"retry_delay_ms":600000,"error_status":429,"error":"rate_limit"}""",
            """{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"num_turns":1,"result":"API Error: 429 rate limited","total_cost_usd":0,"usage":{"input_tokens":0,"output_tokens":0}}""");
        FakeAgent("claude", "2.1.330 (Claude Code)", stream, exitCode: 1);
        var before = DateTimeOffset.UtcNow;

        _repo.Baton("spawn", "--headless", "--agent", "claude", "--name", "hl", "work").Ok();
        TestRepo.WaitUntil(() => Events("worker_exited").Count > 0, "the headless run to end");

        var worker = _repo.Worker("hl");
        Assert.Equal("paused", worker.GetProperty("state").GetString());
        var until = DateTimeOffset.Parse(worker.GetProperty("paused_until").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(until > before + TimeSpan.FromMinutes(9), $"paused until {until:O}: the retry delay (10 min) was not used");
        Assert.Single(Events("worker_paused"));
        Assert.NotEmpty(Events("agent_rate_limited"));
        Assert.Equal("429", Assert.Single(Events("agent_error")).GetProperty("metadata").GetProperty("api_error_status").GetString());
    }

    [Fact]
    public void The_agent_version_is_asked_once_per_binary_and_recorded_for_every_worker()
    {
        FakeAgent("claude", "2.1.197 (Claude Code)", Fixture("claude-code-2.1.197/headless-stream-json.jsonl"));

        _repo.Baton("spawn", "--headless", "--agent", "claude", "--name", "v1", "a").Ok();
        _repo.Baton("spawn", "--headless", "--agent", "claude", "--name", "v2", "b").Ok();
        _repo.WaitForState("v1", "exited");
        _repo.WaitForState("v2", "exited");

        Assert.Single(File.ReadAllLines(Path.Combine(_bin, "version-calls")));
        var spawned = Events("worker_spawned");
        Assert.Equal(2, spawned.Count);
        Assert.All(spawned, e => Assert.Equal("2.1.197", e.GetProperty("metadata").GetProperty("agent_version").GetString()));
    }

    [Fact]
    public void An_agent_whose_version_cannot_be_read_is_recorded_as_unknown_and_still_spawns()
    {
        File.WriteAllText(Path.Combine(_bin, "claude"), "#!/bin/sh\n[ \"$1\" = --version ] && exit 3\nexit 0\n");
        File.SetUnixFileMode(Path.Combine(_bin, "claude"), (UnixFileMode)0b111_101_101);

        _repo.Baton("spawn", "--headless", "--agent", "claude", "--name", "vu", "a").Ok();

        Assert.Equal("unknown", Assert.Single(Events("worker_spawned")).GetProperty("metadata").GetProperty("agent_version").GetString());
    }

    private List<JsonElement> Events(string type) =>
        _repo.Baton("events", "recent", "1000", "--json", "--type", type).Ok().Json().EnumerateArray().ToList();

    private static string Fixture(string name) => File.ReadAllText(Path.Combine(RepoPaths.Fixtures, name));

    /// <summary>A script named <paramref name="name"/> that prints <paramref name="version"/> for --version (counting the calls) and otherwise replays <paramref name="stream"/>, then runs <paramref name="then"/>.</summary>
    private void FakeAgent(string name, string version, string stream, int exitCode = 0, string then = "")
    {
        var streamFile = Path.Combine(_bin, name + ".stream");
        File.WriteAllText(streamFile, stream.TrimEnd('\n') + "\n");
        var script = Path.Combine(_bin, name);
        File.WriteAllText(script,
            "#!/bin/sh\n" +
            $"if [ \"$1\" = --version ]; then echo x >> '{_bin}/version-calls'; echo '{version}'; exit 0; fi\n" +
            $"cat '{streamFile}'\n{then}\nexit {exitCode}\n");
        File.SetUnixFileMode(script, (UnixFileMode)0b111_101_101);
    }
}
