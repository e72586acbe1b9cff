using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>`baton gc`: what piles up over weeks goes, never unsaved work and never a live ticket's things.</summary>
public sealed class GcTests
{
    [Fact]
    public void A_failed_tickets_dirty_worktree_is_saved_then_removed_while_a_live_tickets_is_spared_and_dry_run_changes_nothing()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "keep_exited: true");
        var failed = Ticket(repo, "Never commits", "@write notes.txt a draft worth keeping\n@exit");
        var first = Up(repo);
        Assert.Equal(1, first.ExitCode);
        Assert.Equal("failed", Status(repo, failed));
        var worktree = Show(repo, failed).GetProperty("worktree").GetString()!;
        Assert.True(File.Exists(Path.Combine(worktree, "notes.txt")), Describe(repo, first));
        var branch = Show(repo, failed).GetProperty("branch").GetString()!;

        var live = Ticket(repo, "Works a while", "@write busy.txt busy\n@sleep 60\n@run baton ticket done T-2");
        using var loop = repo.StartBaton("up", "--plain");
        try
        {
            TestRepo.WaitUntil(() => Status(repo, live) == "in-progress" && Show(repo, live).GetProperty("worktree").GetString() is { } w && File.Exists(Path.Combine(w, "busy.txt")),
                "the second ticket's agent to start working", 60);
            var liveWorktree = Show(repo, live).GetProperty("worktree").GetString()!;
            var sessionsBefore = repo.Tmux("list-sessions", "-F", "#{session_name}").Stdout;

            var dry = repo.Baton("gc", "--older-than", "0s", "--dry-run", "--json").Ok().Json();
            Assert.True(dry.GetProperty("dry_run").GetBoolean());
            Assert.Contains(dry.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "worktree" && i.GetProperty("target").GetString() == worktree && !i.GetProperty("removed").GetBoolean());
            Assert.True(File.Exists(Path.Combine(worktree, "notes.txt")), "a dry run removes nothing");
            Assert.Equal(sessionsBefore, repo.Tmux("list-sessions", "-F", "#{session_name}").Stdout);

            var run = repo.Baton("gc", "--older-than", "0s", "--json").Ok().Json();

            var removed = Assert.Single(run.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "worktree");
            Assert.True(removed.GetProperty("removed").GetBoolean());
            var wip = removed.GetProperty("wip_ref").GetString()!;
            Assert.StartsWith("refs/baton/wip/" + failed + "/", wip, StringComparison.Ordinal);
            Assert.Equal("a draft worth keeping\n", repo.Git("show", wip + ":notes.txt"));
            Assert.False(Directory.Exists(worktree));
            Assert.NotEqual("", repo.Git("branch", "--list", branch).Trim()); // a failed ticket's branch stays
            Assert.True(File.Exists(Path.Combine(liveWorktree, "busy.txt")), "the live ticket's worktree is untouched");
            Assert.Contains(Show(repo, live).GetProperty("assignee").GetString()!, repo.Tmux("list-sessions", "-F", "#{session_name}").Stdout, StringComparison.Ordinal);
            Assert.Contains(run.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "session" && i.GetProperty("removed").GetBoolean());
            Assert.Single(Events(repo, "workspace_cleaned"));
        }
        finally
        {
            repo.Baton("down");
        }
    }

    [Fact]
    public void Stray_folders_go_only_when_nothing_unsaved_is_in_them_and_a_merged_tickets_leftover_branch_goes()
    {
        using var repo = new TestRepo();
        Configure(repo);
        var done = Ticket(repo, "Lands", Work("T-1", "a.txt", "a"));
        Assert.Equal(0, Up(repo).ExitCode);
        var branch = Show(repo, done).GetProperty("branch").GetString()!;
        repo.Git("branch", branch, "main"); // as a killed clean-up would have left it
        var worktrees = Path.Combine(repo.Dir, ".baton", "worktrees");
        repo.Git("worktree", "add", "-q", "--detach", Path.Combine(worktrees, "stray-clean"), "main");
        repo.Git("worktree", "add", "-q", "--detach", Path.Combine(worktrees, "stray-dirty"), "main");
        File.WriteAllText(Path.Combine(worktrees, "stray-dirty", "unsaved.txt"), "mine\n");
        Directory.CreateDirectory(Path.Combine(worktrees, "not-git"));
        File.WriteAllText(Path.Combine(worktrees, "not-git", "file.txt"), "?\n");
        foreach (var d in new[] { "stray-clean", "stray-dirty", "not-git" })
        {
            foreach (var f in Directory.GetFiles(Path.Combine(worktrees, d)))
            {
                File.SetLastWriteTimeUtc(f, DateTime.UtcNow.AddDays(-3));
            }
        }

        var text = repo.Baton("gc").Ok().Stdout;

        Assert.False(Directory.Exists(Path.Combine(worktrees, "stray-clean")), text);
        Assert.True(File.Exists(Path.Combine(worktrees, "stray-dirty", "unsaved.txt")), text);
        Assert.True(File.Exists(Path.Combine(worktrees, "not-git", "file.txt")), text);
        Assert.Contains("it has uncommitted changes", text, StringComparison.Ordinal);
        Assert.Contains("not a git worktree", text, StringComparison.Ordinal);
        Assert.Equal("", repo.Git("branch", "--list", branch).Trim());
        Assert.Contains($"removed      branch   {branch}", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Up_runs_the_same_clean_up_on_its_period()
    {
        using var repo = new TestRepo();
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"),
            "agents:\n  default: scripted\nautopilot:\n  tick: 200ms\n  retry_base: 0s\n  retry_max: 1s\n  spawns_per_minute: 600\n  spawn_burst: 10\n"
            + "workspace:\n  cleanup_after: 1s\n  cleanup_every: 1s\n");
        var failed = Ticket(repo, "Never commits", "@write notes.txt draft\n@exit");
        Assert.Equal(1, Up(repo).ExitCode);
        var worktree = Show(repo, failed).GetProperty("worktree").GetString()!;
        Assert.True(Directory.Exists(worktree));
        Ticket(repo, "Takes a few seconds", Work("T-2", "b.txt", "b", "@sleep 4"));

        var up = Up(repo);

        Assert.True(up.ExitCode == 0, Describe(repo, up));
        Assert.False(Directory.Exists(worktree), "the loop's periodic clean-up removed the failed ticket's worktree");
        Assert.NotEmpty(Events(repo, "workspace_cleaned"));
        Assert.NotEmpty(repo.Git("for-each-ref", "refs/baton/wip/" + failed).Trim());
    }

    [Fact]
    public void A_gate_under_way_keeps_its_scratch_folder_even_at_age_zero()
    {
        using var repo = new TestRepo();
        Configure(repo, gate: "commands: [\"sleep 3\", \"true\"]");
        using var gate = repo.StartBaton("gate", "--branch", "main");
        var worktrees = Path.Combine(repo.Dir, ".baton", "worktrees");
        TestRepo.WaitUntil(() => Directory.Exists(worktrees) && Directory.GetDirectories(worktrees, "_gate-*").Length == 1, "the gate's scratch worktree", 30);

        var text = repo.Baton("gc", "--older-than", "0s").Ok().Stdout;

        Assert.DoesNotContain("_gate-", text, StringComparison.Ordinal);
        Assert.True(gate.WaitForExit(60_000));
        Assert.Equal(0, gate.ExitCode);
    }

    [Fact]
    public void A_bad_age_is_refused()
    {
        using var repo = new TestRepo();

        var r = repo.Baton("gc", "--older-than", "soon");

        Assert.Equal(2, r.ExitCode);
        Assert.Contains("invalid --older-than 'soon'", r.Stderr, StringComparison.Ordinal);
    }
}
