using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Conflicts;

/// <summary>`baton sync-status` and the post-commit hook: commit messages that name tickets move them.</summary>
public sealed class StatusSyncTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Commits_naming_tickets_move_them_through_the_post_commit_hook_once_each()
    {
        // Given three open tickets of a feature and Baton's post-commit hook
        _repo.Baton("feature", "add", "parser", "The parser").Ok();
        foreach (var title in new[] { "Parse numbers", "Parse strings", "Parse lists" })
        {
            _repo.Baton("ticket", "create", title, "--feature", "parser").Ok();
        }

        Assert.Contains("post-commit", _repo.Baton("hooks", "install").Ok().Stdout, StringComparison.Ordinal);
        _repo.Baton("hooks", "install").Ok(); // again: idempotent

        // When work on a branch names T-1, and closes T-2 there
        _repo.Git("checkout", "-q", "-b", "work");
        Commit("numbers.txt", "T-1: start on numbers");
        Commit("strings.txt", "Parse strings\n\nFixes T-2");

        // Then T-1 is in progress, T-2 waits for review (its commit is not on main yet)
        Assert.Equal("in-progress", Status("T-1"));
        Assert.Equal("review", Status("T-2"));

        // When main gets the work and a commit that closes T-1, and one with only a trailer for T-3
        _repo.Git("checkout", "-q", "main");
        _repo.Git("merge", "-q", "--ff-only", "work");
        Commit("numbers2.txt", "closes T-1: numbers done");
        Commit("lists.txt", "Lists, first go\n\nBaton-Ticket: T-3");

        // Then
        Assert.Equal("done", Status("T-1"));
        Assert.Equal("in-progress", Status("T-3"));
        Assert.Equal("review", Status("T-2")); // a fast-forward runs no post-commit hook

        // A full sync finds the commit that fixes T-2 on main now, once; then nothing is left to do.
        var full = _repo.Baton("sync-status", "--json").Ok().Json();
        Assert.Single(full.EnumerateArray());
        Assert.Equal("done", Status("T-2"));
        Assert.Contains("No ticket", _repo.Baton("sync-status").Ok().Stdout, StringComparison.Ordinal);
        var updates = _repo.Baton("events", "recent", "100", "--type", "status_update", "--json").Ok().Json().EnumerateArray().ToList();
        Assert.Equal(5, updates.Count);
        Assert.All(updates, e => Assert.False(string.IsNullOrEmpty(e.GetProperty("commit").GetString())));

        // The feature's checklist is regenerated from the store.
        var tasks = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "features", "parser", "tasks.md"));
        Assert.Contains("T-1", tasks, StringComparison.Ordinal);
        Assert.Contains("[x]", tasks, StringComparison.Ordinal);
    }

    private string Status(string id) => _repo.Baton("ticket", "show", id, "--json").Ok().Json().GetProperty("status").GetString()!;

    private void Commit(string file, string message)
    {
        File.WriteAllText(Path.Combine(_repo.Dir, file), message);
        _repo.Git("add", file);
        _repo.Git("commit", "-q", "-m", message);
    }
}
