using Baton.IntegrationTests.Dispatch;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Cli;

/// <summary>Leftovers and surprises of issue 18: linked worktrees, ticket rules, small text. Real binary, git and SQLite.</summary>
public sealed class LeftoverTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Init_inside_a_linked_worktree_finds_the_main_store_and_commands_there_use_it()
    {
        var linked = _repo.Dir + "-linked";
        _repo.Git("worktree", "add", "-q", "-b", "side", linked);
        try
        {
            var init = _repo.BatonIn(linked, null, "init", "--json").Ok().Json();

            Assert.Equal(_repo.Dir, init.GetProperty("root").GetString());
            Assert.False(Directory.Exists(Path.Combine(linked, ".baton")));
            _repo.BatonIn(linked, null, "ticket", "create", "From the side").Ok();
            Assert.Contains("From the side", _repo.Baton("ticket", "list").Ok().Stdout, StringComparison.Ordinal);
        }
        finally
        {
            _repo.Git("worktree", "remove", "--force", linked);
        }
    }

    [Fact]
    public void Labels_and_dependencies_can_be_removed_and_a_person_may_finish_a_blocked_ticket()
    {
        _repo.Baton("ticket", "create", "Parent").Ok();
        _repo.Baton("ticket", "create", "Child", "--depends-on", "T-1", "--label", "backend,ui").Ok();

        var early = _repo.Baton("ticket", "done", "T-2");
        Assert.Equal(2, early.ExitCode);
        Assert.Contains("T-2 depends on T-1, not done yet: run with --force", early.Stderr, StringComparison.Ordinal);

        _repo.Baton("ticket", "update", "T-2", "--remove-label", "ui", "--remove-dependency", "T-1").Ok();
        var child = AutopilotKit.Show(_repo, "T-2");
        Assert.Equal(["backend"], child.GetProperty("labels").EnumerateArray().Select(l => l.GetString()));
        Assert.Empty(child.GetProperty("depends_on").EnumerateArray());
        var wrong = _repo.Baton("ticket", "update", "T-2", "--remove-dependency", "T-1");
        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("T-2 does not depend on T-1", wrong.Stderr, StringComparison.Ordinal);

        _repo.Baton("ticket", "update", "T-1", "--status", "blocked", "--note", "waiting on keys").Ok();
        _repo.Baton("ticket", "done", "T-1", "--summary", "keys came").Ok();
        Assert.Equal("done", AutopilotKit.Status(_repo, "T-1"));
    }

    [Fact]
    public void An_unknown_template_placeholder_stops_up_before_anything_starts()
    {
        AutopilotKit.Configure(_repo);
        Directory.CreateDirectory(Path.Combine(_repo.Dir, ".baton", "templates"));
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "templates", "ticket.md"), "{{id}} {{title}}\n{{nope}}\n");
        AutopilotKit.Ticket(_repo, "A", "@exit 0");

        var up = _repo.Baton("up", "--until-done", "--plain");

        Assert.Equal(2, up.ExitCode);
        Assert.Contains("ticket.md:2: unknown placeholder {{nope}}", up.Stderr, StringComparison.Ordinal);
        Assert.Equal("open", AutopilotKit.Status(_repo, "T-1"));
    }

    [Fact]
    public void Doctor_shows_tmux_in_its_own_words_and_aligns_its_fixes()
    {
        var tmux = TestRepo.Run("tmux", ["-V"], _repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(10)).Stdout.Trim();

        var doctor = _repo.Baton("doctor").Stdout.Split('\n');

        Assert.Contains(doctor, l => l.StartsWith("ok    tmux", StringComparison.Ordinal) && l.EndsWith(": " + tmux, StringComparison.Ordinal));
        var detail = doctor[0].IndexOf('/', StringComparison.Ordinal);
        Assert.All(doctor.Where(l => l.TrimStart().StartsWith("fix:", StringComparison.Ordinal)), l => Assert.Equal(detail, l.IndexOf("fix:", StringComparison.Ordinal)));
    }

    [Fact]
    public void Status_shows_conflict_files_as_names_and_no_dangling_dash_without_tickets()
    {
        var status = _repo.Baton("status").Ok().Stdout;

        Assert.Contains("tickets: none yet", status, StringComparison.Ordinal);
        Assert.DoesNotContain("— \n", status, StringComparison.Ordinal);
    }

    [Fact]
    public void A_spawn_that_fails_shows_what_the_agent_said_not_a_screen_of_blank_lines()
    {
        var profile = File.ReadAllText(Path.Combine(RepoPaths.Root, "assets", "agents", "scripted.yaml"))
            .Replace("name: scripted", "name: broken", StringComparison.Ordinal)
            .Replace("command: [\"{baton}\", \"scripted-agent\"]", "command: [\"sh\", \"-c\", \"echo 'error: ANTHROPIC_API_KEY is not set'; sleep 1; exit 3\"]", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", "broken.yaml"), profile);

        var spawn = _repo.Baton("spawn", "--agent", "broken", "--name", "b1", "hello");

        Assert.Equal(1, spawn.ExitCode);
        Assert.Contains("exited (code 3) before it was ready; it said:\n", spawn.Stderr, StringComparison.Ordinal);
        Assert.Contains("error: ANTHROPIC_API_KEY is not set", spawn.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("\n\n", spawn.Stderr.TrimEnd(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_context_file_written_for_a_worker_leaves_with_it_unless_someone_changed_it()
    {
        // Given a profile that takes its role context from AGENTS.md (as Codex does)
        var profile = File.ReadAllText(Path.Combine(RepoPaths.Root, "assets", "agents", "scripted.yaml"))
            .Replace("name: scripted", "name: filed", StringComparison.Ordinal)
            .Replace("  argument: [\"--context-file\", \"{context_file}\"]", "  file: AGENTS.md", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", "filed.yaml"), profile);
        var agents = Path.Combine(_repo.Dir, "AGENTS.md");
        var exclude = Path.Combine(_repo.Dir, ".git", "info", "exclude");

        // When a worker with a role is spawned and killed
        _repo.Baton("spawn", "--agent", "filed", "--role", "worker", "--name", "c1", "@sleep 30").Ok();
        Assert.True(File.Exists(agents));
        Assert.Contains("/AGENTS.md", File.ReadAllLines(exclude));
        _repo.Baton("kill", "c1").Ok();

        // Then the file and its exclude line are gone, so the user's own AGENTS.md later is seen by git
        Assert.False(File.Exists(agents));
        Assert.DoesNotContain("/AGENTS.md", File.ReadAllLines(exclude));
        Assert.Contains(".baton/", File.ReadAllText(exclude), StringComparison.Ordinal);

        // And a file changed meanwhile is someone's now: it stays
        _repo.Baton("spawn", "--agent", "filed", "--role", "worker", "--name", "c2", "@sleep 30").Ok();
        File.AppendAllText(agents, "my own notes\n");
        _repo.Baton("kill", "c2").Ok();
        Assert.Contains("my own notes", File.ReadAllText(agents), StringComparison.Ordinal);
    }
}
