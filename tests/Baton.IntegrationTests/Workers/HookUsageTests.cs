using System.Globalization;
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

    private CliResult Hook(string worker, string[] args, string payload, string? codexHome = null)
    {
        var env = new Dictionary<string, string> { ["BATON_WORKER"] = worker, ["BATON_DB"] = Path.Combine(_repo.Dir, ".baton", "baton.db") };
        if (codexHome is not null)
        {
            env["CODEX_HOME"] = codexHome;
        }

        return TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", .. args], _repo.Dir, payload, env, TimeSpan.FromSeconds(30));
    }

    private static string CodexResponse(string id, int input, int cached, int output) =>
        "{\"type\":\"token_usage_record\",\"payload\":{\"response_id\":\"" + id + "\",\"usage\":{\"input_tokens\":" + input +
        ",\"cached_input_tokens\":" + cached + ",\"output_tokens\":" + output + "}}}\n";

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
    public void Killing_a_worker_takes_in_its_last_hooks_and_transcript_so_no_usage_is_lost()
    {
        // Given a worker whose last turn's Stop and SessionEnd were spooled but never looked at
        _repo.Baton("spawn", "--agent", "scripted", "--name", "ke").Ok();
        _repo.WaitForState("ke", "idle");
        var transcript = Path.Combine(_repo.Dir, ".baton", "ke-transcript.jsonl");
        File.WriteAllText(transcript, Assistant("m1", 100, 10, 0));
        Hook("ke", ["Stop"], "{\"hook_event_name\":\"Stop\",\"transcript_path\":\"" + transcript + "\"}").Ok();
        File.AppendAllText(transcript, Assistant("m2", 40, 5, 100)); // written after the Stop

        // When it is ended before any look (the monitor never reads a worker that is no longer live)
        _repo.Baton("kill", "ke").Ok();

        // Then the kill took both messages in, once
        Assert.Equal((140, 15, 100), Usage("ke"));
        Assert.Equal((140, 15, 100), Usage("ke"));
        var hooks = _repo.Baton("events", "recent", "50", "--worker", "ke", "--type", "worker_hook", "--json").Ok().Json();
        Assert.Equal(1, hooks.GetArrayLength());
    }

    [Fact]
    public void A_hook_event_is_dated_when_it_was_taken_in_and_keeps_when_the_hook_ran_so_the_log_never_goes_back_in_time()
    {
        // Given a hook call that waits in the spool while another event is recorded
        _repo.Baton("spawn", "--agent", "scripted", "--name", "ord").Ok();
        _repo.WaitForState("ord", "idle");
        Hook("ord", ["UserPromptSubmit"], "{\"hook_event_name\":\"UserPromptSubmit\"}").Ok();
        Thread.Sleep(1100);
        _repo.Baton("events", "log", "note", "recorded while the hook waited").Ok();

        // When the monitor takes the hook in
        _repo.Baton("list").Ok();

        // Then the log, in insertion order, has non-decreasing times; the hook's own time is beside it
        var events = _repo.Baton("events", "recent", "100", "--json").Ok().Json().EnumerateArray().ToList();
        var times = events.Select(e => DateTimeOffset.Parse(e.GetProperty("time").GetString()!, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(times.Order(), times);
        var note = events.FindIndex(e => e.GetProperty("type").GetString() == "note");
        var hook = events.FindIndex(e => e.GetProperty("type").GetString() == "worker_hook");
        Assert.True(note < hook, "the hook was taken in after the note was recorded");
        var ran = DateTimeOffset.Parse(events[hook].GetProperty("metadata").GetProperty("hook_time").GetString()!, CultureInfo.InvariantCulture);
        Assert.True(ran < times[note], "the hook ran before the note");
        Assert.Contains("(hook ran ", _repo.Baton("events", "recent", "5", "--type", "worker_hook").Ok().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void List_and_usage_show_the_fill_of_the_effective_window_configured_for_the_model()
    {
        var config = Path.Combine(_repo.Dir, ".baton", "config.yaml");
        File.WriteAllText(config, File.ReadAllText(config).Replace("  windows: {}", "  windows: {claude-opus-5-5: 1000}", StringComparison.Ordinal));
        _repo.Baton("spawn", "--agent", "scripted", "--name", "cw").Ok();
        var transcript = Path.Combine(_repo.Dir, ".baton", "test-transcript.jsonl");
        File.WriteAllText(transcript, Assistant("m1", 300, 5, 200));
        Hook("cw", ["Stop"], "{\"hook_event_name\":\"Stop\",\"transcript_path\":\"" + transcript + "\"}").Ok();

        var row = _repo.Baton("list", "--json").Ok().Json().EnumerateArray().Single(w => w.GetProperty("name").GetString() == "cw");
        var usage = _repo.Baton("usage", "--worker", "cw", "--json").Ok().Json().GetProperty("workers")[0];

        Assert.Equal((500, 1000, 50.0), (row.GetProperty("context_tokens").GetInt64(), row.GetProperty("context_effective_window").GetInt64(), row.GetProperty("context_percent").GetDouble()));
        Assert.Equal(50.0, usage.GetProperty("context_percent").GetDouble());
        Assert.Contains("50%", _repo.Baton("list").Ok().Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_written_after_the_stop_is_counted_once_on_a_later_look_at_the_idle_worker()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "late").Ok();
        _repo.WaitForState("late", "idle");
        var transcript = Path.Combine(_repo.Dir, ".baton", "late-transcript.jsonl");
        var stop = "{\"hook_event_name\":\"Stop\",\"transcript_path\":\"" + transcript + "\"}";
        File.WriteAllText(transcript, Assistant("m1", 100, 10, 0));
        Hook("late", ["Stop"], stop).Ok();

        // Claude Code wrote the turn's last message after its Stop hook had run.
        File.AppendAllText(transcript, Assistant("m2", 40, 5, 100));
        Assert.Equal((100, 10, 0), Usage("late")); // the look that takes the Stop in: up to its bound
        Assert.Equal((140, 15, 100), Usage("late")); // a later look at the idle worker: the rest
        Assert.Equal((140, 15, 100), Usage("late")); // and never twice
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

    [Fact]
    public void Codex_notifies_count_the_threads_rollout_once_each_response_and_a_half_written_line_later()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "cu", "@sleep 30").Ok();
        var codexHome = Path.Combine(_repo.Dir, ".baton", "test-codex-home");
        // Codex files a thread under its local start date, which the UUIDv7 thread id carries.
        var started = new DateTimeOffset(2026, 3, 4, 12, 0, 0, TimeSpan.Zero);
        var thread = Guid.CreateVersion7(started).ToString();
        var day = started.ToLocalTime();
        var folder = Path.Combine(codexHome, "sessions", day.ToString("yyyy", CultureInfo.InvariantCulture), day.ToString("MM", CultureInfo.InvariantCulture), day.ToString("dd", CultureInfo.InvariantCulture));
        Directory.CreateDirectory(folder);
        var rollout = Path.Combine(folder, $"rollout-2026-03-04T12-00-00-{thread}.jsonl");
        var notify = "{\"type\":\"agent-turn-complete\",\"thread-id\":\"" + thread + "\",\"input-messages\":[\"go\"]}";

        var second = CodexResponse("r2", 250, 200, 20);
        File.WriteAllText(rollout, "{\"type\":\"turn_context\",\"payload\":{\"model\":\"gpt-5.5\"}}\n" + CodexResponse("r1", 200, 0, 40) + second[..20]);
        Hook("cu", [notify], "", codexHome).Ok();
        Assert.Equal((200, 40, 0), Usage("cu")); // the line still being written waits

        File.AppendAllText(rollout, second[20..]);
        Hook("cu", [notify], "", codexHome).Ok();
        Assert.Equal((250, 60, 200), Usage("cu"));
        Assert.Equal((250, 60, 200), Usage("cu")); // looked at again: nothing counted twice
        Assert.Equal(2, _repo.Baton("events", "recent", "50", "--worker", "cu", "--type", "worker_usage", "--json").Ok().Json().GetArrayLength());

        // Another thread (or no thread-id at all): no rollout of this worker's, nothing counted.
        Hook("cu", ["{\"type\":\"agent-turn-complete\",\"thread-id\":\"../../etc\"}"], "", codexHome).Ok();
        Assert.Equal((250, 60, 200), Usage("cu"));
    }
}
