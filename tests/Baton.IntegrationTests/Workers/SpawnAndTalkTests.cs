using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Workers;

/// <summary>spawn, list, capture, send through the real CLI, real tmux (private server), real git and SQLite.</summary>
public sealed class SpawnAndTalkTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Spawn_types_the_prompt_and_the_worker_goes_busy_then_idle()
    {
        // Given a repository with Baton initialised
        // When a scripted worker is given a task that takes a few seconds
        var spawned = _repo.Baton("spawn", "--agent", "scripted", "--name", "auth-worker", "Implement JWT login\n@sleep 3\n@write notes.txt done").Ok();

        // Then it prints its name, is busy while working and idle afterwards, with the file written
        Assert.Equal("auth-worker", spawned.Stdout.Trim());
        Assert.Equal("busy", _repo.State("auth-worker"));
        var idle = _repo.WaitForState("auth-worker", "idle");
        Assert.Contains("ready pattern", idle.GetProperty("evidence").GetString());
        Assert.Equal("done\n", File.ReadAllText(Path.Combine(_repo.Dir, "notes.txt")));
        Assert.Equal("baton-auth-worker", idle.GetProperty("session").GetString());
        Assert.Equal(0, _repo.Tmux("has-session", "-t", "=baton-auth-worker").ExitCode);
    }

    [Fact]
    public void Spawn_json_prints_the_worker_and_a_generated_name_is_readable()
    {
        var json = _repo.Baton("spawn", "--agent", "scripted", "--json").Ok().Json();

        var name = json.GetProperty("name").GetString()!;
        Assert.Matches("^[a-z]+-[a-z]+(-[0-9]+)?$", name);
        Assert.Equal("idle", json.GetProperty("state").GetString());
        Assert.Equal("scripted", json.GetProperty("agent").GetString());
    }

    [Fact]
    public void Capture_shows_the_last_lines_of_the_screen()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "cap", "@say first marker\n@say second marker").Ok();
        _repo.WaitForState("cap", "idle");

        var text = _repo.Baton("capture", "cap", "--lines", "5").Ok().Stdout;

        Assert.Contains("second marker", text);
        Assert.True(text.TrimEnd('\n').Split('\n').Length <= 5, text);
        var json = _repo.Baton("capture", "cap", "--lines", "40", "--json").Ok().Json();
        Assert.Contains("first marker", json.GetProperty("text").GetString());
    }

    [Fact]
    public void Send_answers_a_permission_question_and_the_work_is_committed()
    {
        // Given a worker that asks before writing
        _repo.Baton("spawn", "--agent", "scripted", "--name", "asker", "@ask write secret.txt\n@write secret.txt hello\n@commit add secret.txt").Ok();
        var waiting = _repo.WaitForState("asker", "waiting");
        Assert.Contains("[y/n]", waiting.GetProperty("evidence").GetString());

        // When the user answers through baton send
        var sent = _repo.Baton("send", "asker", "y", "--json").Ok().Json();

        // Then the answer was submitted, the agent carried on, and its commit is in git
        Assert.True(sent.GetProperty("verified").GetBoolean());
        _repo.WaitForState("asker", "idle");
        Assert.Contains("add secret.txt", _repo.Git("log", "--oneline", "-1"));
        var events = _repo.Baton("events", "recent", "50", "--worker", "asker", "--json").Ok().Json();
        var types = events.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ToList();
        Assert.Contains("worker_spawned", types);
        Assert.Contains("worker_prompt_sent", types);
        Assert.Contains("worker_message_sent", types);
        Assert.Contains("worker_state_changed", types);
    }

    [Fact]
    public void Send_adds_a_message_that_the_agent_works_on()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "talk").Ok();

        _repo.Baton("send", "talk", "Also add a test\n@write extra.txt more").Ok();

        TestRepo.WaitUntil(() => File.Exists(Path.Combine(_repo.Dir, "extra.txt")), "extra.txt is written");
        _repo.WaitForState("talk", "idle");
    }

    [Fact]
    public void Special_characters_in_prompts_arrive_exactly_as_written()
    {
        // Quotes, $(), backticks, semicolons (also trailing, the tmux separator), tabs, backslashes,
        // non-ASCII and several lines: none of it may be interpreted by a shell or by tmux.
        var prompt = "@dump received.txt\nIt's \"quoted\" $(rm -rf /) `whoami` $HOME; echo hi;\n\ttabbed\\n and \\; ünïcødé ✓ 日本語 🚀 end;";
        _repo.Baton("spawn", "--agent", "scripted", "--name", "chars", prompt).Ok();

        var path = Path.Combine(_repo.Dir, "received.txt");
        TestRepo.WaitUntil(() => File.Exists(path), "the agent saved what it received");
        Assert.Equal(prompt, File.ReadAllText(path));
    }

    [Fact]
    public void A_long_prompt_goes_in_chunks_and_arrives_whole()
    {
        var body = string.Concat(Enumerable.Range(0, 300).Select(i => $"line {i}: ünïcødé 🚀 data;\n"));
        var prompt = "@dump long.txt\n" + body + "end";
        Assert.True(prompt.Length > 3 * 512);

        _repo.BatonIn(_repo.Dir, prompt, "spawn", "--agent", "scripted", "--name", "longer", "-").Ok();

        var path = Path.Combine(_repo.Dir, "long.txt");
        TestRepo.WaitUntil(() => File.Exists(path), "the agent saved the long prompt");
        Assert.Equal(prompt, File.ReadAllText(path));
    }

    [Fact]
    public async Task Sends_from_many_processes_at_once_are_never_interleaved()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "busybee").Ok();

        var tasks = Enumerable.Range(0, 5)
            .Select(i => Task.Run(() => _repo.Baton("send", "busybee", $"@append log.txt message-{i}-" + new string((char)('a' + i), 300))))
            .ToArray();
        var results = await Task.WhenAll(tasks);

        Assert.All(results, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var path = Path.Combine(_repo.Dir, "log.txt");
        TestRepo.WaitUntil(() => File.Exists(path) && File.ReadAllLines(path).Length == 5, "all five messages were carried out");
        foreach (var line in File.ReadAllLines(path))
        {
            Assert.Matches("^message-([0-4])-([a-e])\\2{299}$", line);
        }
    }
}
