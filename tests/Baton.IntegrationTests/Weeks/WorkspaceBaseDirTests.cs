using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>`workspace.base_dir`: worktrees made in another folder, and every part that looks for them finds them there.</summary>
public sealed class WorkspaceBaseDirTests : IDisposable
{
    // The repository and its worktrees folder side by side, both inside one folder the test removes.
    private readonly string _parent = Directory.CreateTempSubdirectory("baton-basedir-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    private static void WithBaseDir(TestRepo repo, string baseDir, string autopilot = "")
    {
        Configure(repo, autopilot);
        File.AppendAllText(Path.Combine(repo.Dir, ".baton", "config.yaml"), $"workspace:\n  base_dir: \"{baseDir}\"\n");
    }

    [Fact]
    public void A_relative_base_dir_beside_the_repository_holds_the_worktrees_and_status_validate_and_gc_find_them_there()
    {
        using var repo = new TestRepo(parent: _parent);
        WithBaseDir(repo, "../worktrees", "keep_exited: true");
        var elsewhere = Path.Combine(_parent, "worktrees");
        var landed = Ticket(repo, "Lands", Work("T-1", "a.txt", "a"));
        var failed = Ticket(repo, "Never commits", "@write notes.txt a draft worth keeping\n@exit");

        var up = Up(repo);

        Assert.True(up.ExitCode == 1, Describe(repo, up)); // the second ticket failed
        Assert.Equal("done", Status(repo, landed));
        Assert.Equal("a\n", repo.Git("show", "main:a.txt"));
        var worktree = Show(repo, failed).GetProperty("worktree").GetString()!;
        Assert.Equal(elsewhere, Path.GetDirectoryName(worktree));
        Assert.True(File.Exists(Path.Combine(worktree, "notes.txt")), Describe(repo, up));
        Assert.StartsWith(elsewhere + "/", Show(repo, landed).GetProperty("worktree").GetString()!, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(repo.Dir, ".baton", "worktrees")) && Directory.EnumerateFileSystemEntries(Path.Combine(repo.Dir, ".baton", "worktrees")).Any(),
            "nothing was made in .baton/worktrees");

        var disk = repo.Baton("status", "--json").Ok().Json().GetProperty("disk").GetProperty("worktrees").EnumerateArray().ToList();
        Assert.Contains(disk, w => w.GetProperty("path").GetString() == worktree && w.GetProperty("ticket").GetString() == failed);

        Directory.CreateDirectory(Path.Combine(elsewhere, "junk"));
        var validate = repo.Baton("validate", "--json");
        Assert.Equal(1, validate.ExitCode);
        Assert.Contains(validate.Json().GetProperty("findings").EnumerateArray(),
            f => f.GetProperty("kind").GetString() == "folder" && f.GetProperty("subject").GetString() == Path.Combine(elsewhere, "junk"));
        Directory.Delete(Path.Combine(elsewhere, "junk"));

        var gc = repo.Baton("gc", "--older-than", "0s", "--json").Ok().Json();
        var removed = Assert.Single(gc.GetProperty("items").EnumerateArray(), i => i.GetProperty("kind").GetString() == "worktree");
        Assert.Equal(worktree, removed.GetProperty("target").GetString());
        Assert.True(removed.GetProperty("removed").GetBoolean());
        Assert.Equal("a draft worth keeping\n", repo.Git("show", removed.GetProperty("wip_ref").GetString()! + ":notes.txt"));
        Assert.False(Directory.Exists(worktree));
    }

    [Fact]
    public void A_base_dir_inside_the_repositorys_git_folder_is_refused_with_its_line()
    {
        using var repo = new TestRepo(parent: _parent);
        WithBaseDir(repo, ".git/worktrees-here");
        Ticket(repo, "Anything", Work("T-1", "a.txt", "a"));

        var up = Up(repo);

        Assert.NotEqual(0, up.ExitCode);
        Assert.Contains("config.yaml", up.Stderr, StringComparison.Ordinal);
        Assert.Contains("workspace.base_dir '.git/worktrees-here' is inside the repository's .git folder", up.Stderr, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(repo.Dir, ".git", "worktrees-here")));
    }

    [Fact]
    public void A_base_dir_that_cannot_be_made_stops_up_before_it_dispatches_anything()
    {
        using var repo = new TestRepo(parent: _parent);
        var blocker = Path.Combine(_parent, "a-file");
        File.WriteAllText(blocker, "not a folder\n");
        WithBaseDir(repo, Path.Combine(blocker, "worktrees"));
        var id = Ticket(repo, "Anything", Work("T-1", "a.txt", "a"));

        var up = Up(repo);

        Assert.NotEqual(0, up.ExitCode);
        Assert.Contains($"cannot make the worktrees folder {Path.Combine(blocker, "worktrees")} (workspace.base_dir", up.Stderr, StringComparison.Ordinal);
        Assert.Equal("open", Status(repo, id));
    }
}
