using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>`baton validate` on a store and a repository made inconsistent by hand.</summary>
public sealed class ValidateTests
{
    private static List<JsonElement> Findings(CliResult r) => r.Json().GetProperty("findings").EnumerateArray().ToList();

    [Fact]
    public void Every_mismatch_is_named_with_its_fix_errors_exit_1_and_warnings_alone_exit_0()
    {
        using var repo = new TestRepo();
        Assert.Contains("ok: the store", repo.Baton("validate").Ok().Stdout, StringComparison.Ordinal);

        repo.Baton("spawn", "--agent", "scripted", "--name", "w1", "@sleep 60").Ok();
        repo.WaitForState("w1", "busy");
        // The ghost first: killing the server's only session ends the server, and a session made
        // while it is going down was lost with it.
        repo.Tmux("new-session", "-d", "-s", "baton-ghost", "sleep 60");    // a session no worker owns
        repo.Tmux("kill-session", "-t", "=baton-w1");                       // the session is gone, the store says live
        var worktrees = Path.Combine(repo.Dir, ".baton", "worktrees");
        Directory.CreateDirectory(Path.Combine(worktrees, "junk"));          // no git worktree

        var bad = repo.Baton("validate", "--json");

        Assert.Equal(1, bad.ExitCode);
        var findings = Findings(bad);
        Assert.Contains(findings, f => f.GetProperty("severity").GetString() == "error" && f.GetProperty("subject").GetString() == "w1" && f.GetProperty("fix").GetString()!.Contains("baton kill w1", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.GetProperty("severity").GetString() == "error" && f.GetProperty("kind").GetString() == "folder" && f.GetProperty("subject").GetString()!.EndsWith("junk", StringComparison.Ordinal));
        Assert.Contains(findings, f => f.GetProperty("severity").GetString() == "warning" && f.GetProperty("subject").GetString() == "baton-ghost");
        Assert.Equal(2, bad.Json().GetProperty("errors").GetInt32());
        var plain = repo.Baton("validate");
        Assert.Equal(1, plain.ExitCode);
        Assert.Contains("  fix: `baton kill w1`", plain.Stdout, StringComparison.Ordinal);

        // The fixes it names make the errors go; the leftover session alone is a warning.
        repo.Baton("kill", "w1").Ok();
        Directory.Delete(Path.Combine(worktrees, "junk"));
        var warnings = repo.Baton("validate", "--json").Ok();
        Assert.Equal(0, warnings.Json().GetProperty("errors").GetInt32());
        Assert.Single(Findings(warnings), f => f.GetProperty("subject").GetString() == "baton-ghost");
    }

    [Fact]
    public void A_ticket_in_progress_whose_assignee_is_gone_is_an_error()
    {
        using var repo = new TestRepo();
        Dispatch.AutopilotKit.Configure(repo);
        var id = Dispatch.AutopilotKit.Ticket(repo, "Works", "@sleep 60");
        using (var loop = repo.StartBaton("up", "--plain"))
        {
            TestRepo.WaitUntil(() => Dispatch.AutopilotKit.Status(repo, id) == "in-progress" && repo.Baton("list", "--json").Ok().Json().GetArrayLength() == 1, "the ticket to start", 60);
            loop.Kill(entireProcessTree: true); // the loop dies; then its agent's session goes too
            loop.WaitForExit();
        }

        var worker = Dispatch.AutopilotKit.Show(repo, id).GetProperty("assignee").GetString()!;
        repo.Tmux("kill-session", "-t", "=baton-" + worker);
        repo.Baton("kill", worker).Ok(); // recorded as killed: the ticket still names it

        var r = repo.Baton("validate", "--json");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains(Findings(r), f => f.GetProperty("subject").GetString() == id && f.GetProperty("detail").GetString()!.Contains("not a live worker", StringComparison.Ordinal));
    }

    [Fact]
    public void A_worktree_whose_folder_was_deleted_is_reported_prunable_with_its_fix()
    {
        using var repo = new TestRepo();
        var gone = Path.Combine(repo.Dir, "..", Path.GetFileName(repo.Dir) + "-gone");
        repo.Git("worktree", "add", "-q", "-b", "by-hand", gone);
        Directory.Delete(gone, recursive: true);

        var r = repo.Baton("validate", "--json");

        Assert.Equal(0, r.ExitCode); // a warning
        var finding = Assert.Single(Findings(r), f => f.GetProperty("detail").GetString()!.Contains("prunable", StringComparison.Ordinal));
        Assert.Equal("warning", finding.GetProperty("severity").GetString());
        Assert.Contains("git worktree prune", finding.GetProperty("fix").GetString(), StringComparison.Ordinal);
        repo.Git("worktree", "prune");
        Assert.DoesNotContain(Findings(repo.Baton("validate", "--json").Ok()), f => f.GetProperty("detail").GetString()!.Contains("prunable", StringComparison.Ordinal));
    }
}
