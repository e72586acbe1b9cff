using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Workers;

/// <summary>
/// What `baton hook` brings in besides states: a Claude Code Stop hook's transcript (usage counted
/// once per message, up to the transcript's size at the Stop) and Codex's notify payload, which
/// comes as the last argument instead of on stdin.
/// </summary>
public sealed class HookUsageTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private CliResult Hook(string worker, string[] args, string payload) =>
        TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", .. args], _repo.Dir, payload,
            new Dictionary<string, string> { ["BATON_WORKER"] = worker, ["BATON_DB"] = Path.Combine(_repo.Dir, ".baton", "baton.db") },
            TimeSpan.FromSeconds(30));

    private static string Assistant(string id, int input, int output, int read) =>
        "{\"type\":\"assistant\",\"message\":{\"id\":\"" + id + "\",\"model\":\"claude-opus-5-5\",\"usage\":{\"input_tokens\":" + input +
        ",\"cache_creation_input_tokens\":0,\"cache_read_input_tokens\":" + read + ",\"output_tokens\":" + output + "}}}\n";

    private (long Input, long Output, long Read) Usage(string worker)
    {
        _repo.Baton("list").Ok(); // the monitor takes the hooks in
        var total = _repo.Baton("usage", "--worker", worker, "--json").Ok().Json().GetProperty("total");
        return (total.GetProperty("input_tokens").GetInt64(), total.GetProperty("output_tokens").GetInt64(), total.GetProperty("cache_read_tokens").GetInt64());
    }

    [Fact]
    public void Stop_hooks_count_each_transcript_message_once_and_nothing_written_after_the_stop()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "tx").Ok();
        var transcript = Path.Combine(_repo.Dir, ".baton", "test-transcript.jsonl");
        var stop = "{\"hook_event_name\":\"Stop\",\"transcript_path\":\"" + transcript + "\"}";

        // A message written as two entries (thinking, then text): counted once, with the last usage.
        File.WriteAllText(transcript, "{\"type\":\"user\"}\n" + Assistant("m1", 100, 1, 0) + Assistant("m1", 100, 20, 0));
        Hook("tx", ["Stop"], stop).Ok();
        // The next turn starts before Baton looks: it is not counted at this Stop.
        File.AppendAllText(transcript, Assistant("m2", 30, 5, 100));
        Assert.Equal((100, 20, 0), Usage("tx"));

        Hook("tx", ["Stop"], stop).Ok();
        Assert.Equal((130, 25, 100), Usage("tx"));
        Assert.Equal((130, 25, 100), Usage("tx")); // looked at again: nothing counted twice

        var events = _repo.Baton("events", "recent", "50", "--worker", "tx", "--type", "worker_usage", "--json").Ok().Json();
        Assert.Equal(2, events.GetArrayLength());
        Assert.Equal("scripted", events[0].GetProperty("metadata").GetProperty("agent").GetString());
        Assert.Equal("120", events[0].GetProperty("metadata").GetProperty("tokens").GetString());
    }

    [Fact]
    public void A_codex_notify_payload_in_the_last_argument_makes_the_worker_idle_but_a_title_turn_does_not()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "nt", "@sleep 30").Ok();
        Assert.Equal("busy", _repo.State("nt"));

        Hook("nt", ["{\"type\":\"agent-turn-complete\",\"input-messages\":[\"Generate a concise, single-line task title of at most 36 characters\"],\"last-assistant-message\":\"ok\"}"], "").Ok();
        Assert.Equal("busy", _repo.State("nt"));

        Hook("nt", ["{\"type\":\"agent-turn-complete\",\"input-messages\":[\"create b.txt\"],\"last-assistant-message\":\"DONE\"}"], "").Ok();
        Assert.Equal("idle", _repo.State("nt"));
        var hooks = _repo.Baton("events", "recent", "50", "--worker", "nt", "--type", "worker_hook", "--json").Ok().Json()
            .EnumerateArray().Select(e => e.GetProperty("message").GetString()).ToList();
        Assert.Equal(["hook: agent-turn-complete (title)", "hook: agent-turn-complete -> idle"], hooks);
    }
}
