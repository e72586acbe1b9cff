using System.Globalization;
using Baton.Core;
using Baton.Core.Git;
using Baton.Core.Processes;
using State = Baton.Core.Git.MergeState;

namespace Baton.Infrastructure.Git;

/// <summary>The git CLI behind <see cref="IGit"/>: every call is <c>git -C dir ...</c> with an argument list.</summary>
public sealed class GitClient : IGit
{
    private const string Heads = "refs/heads/";
    private readonly IProcessRunner _runner;

    public GitClient(IProcessRunner runner)
    {
        _runner = runner;
    }

    public string? CurrentBranch(string dir)
    {
        // Exit 1 with --quiet is git's way of saying HEAD is detached; anything else is an error.
        var r = Run(dir, ["symbolic-ref", "--quiet", "--short", "HEAD"]);
        return r.ExitCode switch
        {
            0 => r.StandardOutput.Trim(),
            1 => null,
            _ => throw Failure(dir, ["symbolic-ref", "HEAD"], r),
        };
    }

    public string? Resolve(string dir, string revision)
    {
        var r = Run(dir, ["rev-parse", "--verify", "--quiet", "--end-of-options", revision + "^{commit}"]);
        return r.ExitCode == 0 ? r.StandardOutput.Trim() : null;
    }

    public void AddWorktree(string repo, string path, string branch, string startPoint)
    {
        // -C moves git elsewhere, so a relative path must be made absolute against our own folder.
        path = Path.GetFullPath(path);

        // The common case, a new ticket: one git call. A branch that exists already (a retry) or
        // a stale registration makes it fail harmlessly, and the careful way below takes over.
        if (!Directory.Exists(path) && Run(repo, ["worktree", "add", "-b", branch, path, startPoint]).ExitCode == 0)
        {
            return;
        }

        // A folder deleted by hand still has a registration that would block re-adding it.
        Git(repo, ["worktree", "prune"]);
        if (IsWorktreeOf(repo, path))
        {
            var current = CurrentBranch(path);
            if (current == branch)
            {
                return; // a retry re-adopts the worktree the previous attempt left
            }

            throw new BatonException($"{path} is already a worktree, on {current ?? "a detached HEAD"}, not {branch}");
        }

        Git(repo, BranchExists(repo, branch)
            ? ["worktree", "add", path, branch]
            : ["worktree", "add", "-b", branch, path, startPoint]);
    }

    public void AddDetachedWorktree(string repo, string path, string commit) =>
        Git(repo, ["worktree", "add", "--detach", Path.GetFullPath(path), commit]);

    public void RemoveWorktree(string repo, string path, bool force = false)
    {
        path = Path.GetFullPath(path);
        if (!Directory.Exists(path))
        {
            Git(repo, ["worktree", "prune"]); // already gone: only the registration is left
            return;
        }

        // Checked here rather than left to git so the refusal says plainly what would be lost.
        if (!force && IsDirty(path))
        {
            throw new BatonException($"worktree {path} has uncommitted changes; commit or discard them first");
        }

        Git(repo, force ? ["worktree", "remove", "--force", path] : ["worktree", "remove", path]);
    }

    public IReadOnlyList<(string Path, string? Branch)> Worktrees(string repo)
    {
        // -z: NUL-terminated fields, an empty field between worktrees; survives any path.
        var list = new List<(string, string?)>();
        string? path = null;
        string? branch = null;
        var skip = false;
        foreach (var field in Git(repo, ["worktree", "list", "--porcelain", "-z"]).Split('\0'))
        {
            if (field.Length == 0)
            {
                if (path is not null && !skip)
                {
                    list.Add((path, branch));
                }

                (path, branch, skip) = (null, null, false);
            }
            else if (field.StartsWith("worktree ", StringComparison.Ordinal))
            {
                path = field["worktree ".Length..];
            }
            else if (field.StartsWith("branch ", StringComparison.Ordinal))
            {
                var refName = field["branch ".Length..];
                branch = refName.StartsWith(Heads, StringComparison.Ordinal) ? refName[Heads.Length..] : refName;
            }
            else if (field == "bare" || field.StartsWith("prunable", StringComparison.Ordinal))
            {
                skip = true; // a bare repository's entry, or a folder deleted by hand: no checkout to work in
            }
        }

        return list;
    }

    public IReadOnlyList<(string Path, string Reason)> PrunableWorktrees(string repo)
    {
        var list = new List<(string, string)>();
        string? path = null;
        foreach (var field in Git(repo, ["worktree", "list", "--porcelain", "-z"]).Split('\0'))
        {
            if (field.StartsWith("worktree ", StringComparison.Ordinal))
            {
                path = field["worktree ".Length..];
            }
            else if (path is not null && field.StartsWith("prunable", StringComparison.Ordinal))
            {
                list.Add((path, field.Length > "prunable ".Length ? field["prunable ".Length..] : "its folder is gone"));
            }
        }

        return list;
    }

    public bool IsDirty(string dir) =>
        Git(dir, ["status", "--porcelain", "--untracked-files=normal"]).Length > 0;

    public string? SnapshotWip(string dir, string refName, string message)
    {
        // A private index in the worktree's git dir: `add -A` there sees everything the checkout
        // has, while the real index, the files and the branch stay exactly as the agent left them.
        var gitDir = Git(dir, ["rev-parse", "--absolute-git-dir"]).Trim();
        var head = Git(dir, ["rev-parse", "--verify", "HEAD^{commit}"]).Trim();
        var index = Path.Combine(gitDir, $"baton-wip-index-{Guid.NewGuid():N}");
        var env = new Dictionary<string, string> { ["GIT_INDEX_FILE"] = index };
        try
        {
            // Starting from a copy of the real index keeps its stat data, so only changed files
            // are hashed; git replaces the index by rename, so the copy is never half-written.
            var realIndex = Git(dir, ["rev-parse", "--path-format=absolute", "--git-path", "index"]).Trim();
            if (File.Exists(realIndex))
            {
                File.Copy(realIndex, index);
            }
            else
            {
                Git(dir, ["read-tree", head], env);
            }

            Git(dir, ["add", "-A"], env);
            var tree = Git(dir, ["write-tree"], env).Trim();
            if (tree == Git(dir, ["rev-parse", head + "^{tree}"]).Trim())
            {
                return null;
            }

            var commit = Git(dir, ["commit-tree", tree, "-p", head, "-m", message]).Trim();
            Git(dir, ["update-ref", "-m", "baton: wip snapshot", refName, commit]);
            return commit;
        }
        finally
        {
            File.Delete(index);
            File.Delete(index + ".lock");
        }
    }

    public IReadOnlyList<GitRef> Refs(string repo, string prefix)
    {
        var output = Git(repo, ["for-each-ref", "--sort=-committerdate",
            "--format=%(refname)%00%(objectname)%00%(committerdate:iso-strict)%00%(subject)", prefix]);
        var refs = new List<GitRef>();
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var f = line.Split('\0');
            if (f.Length == 4 && DateTimeOffset.TryParse(f[2], CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            {
                refs.Add(new GitRef(f[0], f[1], date, f[3]));
            }
        }

        return refs;
    }

    public int CommitsAhead(string dir, string baseRevision, string revision) =>
        int.Parse(Git(dir, ["rev-list", "--count", "--end-of-options", $"{baseRevision}..{revision}"]).Trim(), CultureInfo.InvariantCulture);

    public State MergeState(string repo, string branch, string target)
    {
        if (IsAncestor(repo, branch, target))
        {
            return State.Merged;
        }

        // A squash or rebase leaves no ancestry; but if merging the branch would produce exactly
        // the target's tree, its changes are already there. Exit 1 is a conflict, and git before
        // 2.38 has no --write-tree (usage error): both simply fall through to `git cherry`.
        var merged = Run(repo, ["merge-tree", "--write-tree", "--no-messages", target, branch]);
        if (merged.ExitCode == 0)
        {
            var tree = merged.StandardOutput.Split('\n')[0].Trim();
            if (tree == Git(repo, ["rev-parse", "--verify", target + "^{tree}"]).Trim())
            {
                return State.MergedByPatch;
            }
        }

        // Catches commits cherry-picked one by one onto a target that has moved on since.
        var cherry = Git(repo, ["cherry", target, branch]).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        return cherry.Length > 0 && cherry.All(l => !l.StartsWith('+')) ? State.MergedByPatch : State.NotMerged;
    }

    public MergeAttempt MergeCommit(string repo, string target, string branch, string message)
    {
        var r = Run(repo, ["merge-tree", "--write-tree", "--name-only", "--no-messages", target, branch]);
        if (r.ExitCode > 1)
        {
            throw Failure(repo, ["merge-tree", "--write-tree", target, branch], r);
        }

        var lines = r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (r.ExitCode == 1)
        {
            return new MergeAttempt(false, null, lines.Skip(1).Distinct(StringComparer.Ordinal).ToList(), r.StandardOutput.Trim());
        }

        var tree = lines[0].Trim();
        if (tree == Git(repo, ["rev-parse", "--verify", target + "^{tree}"]).Trim())
        {
            return new MergeAttempt(true, Git(repo, ["rev-parse", "--verify", target + "^{commit}"]).Trim(), [], "already merged: nothing would change");
        }

        var commit = Git(repo, ["commit-tree", tree, "-p", target, "-p", branch, "-m", message]).Trim();
        return new MergeAttempt(true, commit, [], "merged without a checkout");
    }

    public MergeAttempt Merge(string dir, string branch, string message)
    {
        var r = Run(dir, ["merge", "--no-ff", "--no-edit", "-m", message, branch]);
        var output = (r.StandardOutput + r.StandardError).Trim();
        if (r.ExitCode == 0)
        {
            return new MergeAttempt(true, Git(dir, ["rev-parse", "HEAD"]).Trim(), [], output);
        }

        // No MERGE_HEAD means git refused before merging (unknown branch, local changes in the
        // way): not a conflict, and there is nothing to abort.
        if (Run(dir, ["rev-parse", "--verify", "--quiet", "MERGE_HEAD"]).ExitCode != 0)
        {
            throw Failure(dir, ["merge", branch], r);
        }

        var files = Git(dir, ["diff", "--name-only", "--diff-filter=U", "-z"]).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        Git(dir, ["merge", "--abort"]);
        return new MergeAttempt(false, null, files, output);
    }

    public bool FastForward(string repo, string branch, string expected, string commit)
    {
        // The merge queue passes full object names it just had from git: resolving them again
        // costs two processes per merge and proves nothing the ancestry check below does not
        // (it fails loudly on a name that is not an object).
        expected = FullObjectName(expected) ? expected : Resolve(repo, expected) ?? throw new BatonException($"fast-forward of {branch}: {expected} is not a commit");
        commit = FullObjectName(commit) ? commit : Resolve(repo, commit) ?? throw new BatonException($"fast-forward of {branch}: {commit} is not a commit");
        if (!IsAncestor(repo, expected, commit))
        {
            throw new BatonException($"fast-forward of {branch}: {commit} does not descend from {expected}");
        }

        if (Resolve(repo, Heads + branch) != expected)
        {
            return false; // the branch moved since the commit was tested
        }

        var checkout = Worktrees(repo).FirstOrDefault(w => w.Branch == branch).Path;
        if (checkout is null)
        {
            // Compare-and-swap: git refuses unless the branch is still at expected.
            return Run(repo, ["update-ref", "-m", "baton: fast-forward", Heads + branch, commit, expected]).ExitCode == 0;
        }

        // Moving a checked-out branch under its checkout would leave its files stale; the merge
        // moves both, and fails whole (nothing changed) when local changes are in the way.
        return Run(checkout, ["merge", "--ff-only", "--quiet", commit]).ExitCode == 0;
    }

    /// <summary>A SHA-1 or SHA-256 object name in full (lower-case hex), which names no ref.</summary>
    private static bool FullObjectName(string name) =>
        name.Length is 40 or 64 && name.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public void CreateBranch(string repo, string branch, string commit)
    {
        if (BranchExists(repo, branch))
        {
            throw new BatonException($"branch '{branch}' already exists: pick another name with --branch");
        }

        Git(repo, ["branch", branch, commit]);
    }

    public void SwitchFresh(string worktree, string branch, string startPoint)
    {
        // -f drops local changes, -B makes (or resets) the branch at the start point; clean -ffdx
        // removes untracked and ignored files, nested repositories included (the second -f).
        Git(worktree, ["checkout", "-q", "-f", "-B", branch, startPoint]);
        Git(worktree, ["clean", "-q", "-ffdx"]);
    }

    public bool DeleteBranch(string repo, string branch)
    {
        if (!BranchExists(repo, branch))
        {
            return false;
        }

        Git(repo, ["branch", "-D", branch]);
        return true;
    }

    public void Prune(string repo) => Git(repo, ["worktree", "prune"]);

    public IReadOnlyDictionary<string, string> BranchHeads(string repo)
    {
        var heads = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in Git(repo, ["for-each-ref", "--format=%(objectname) %(refname)", Heads]).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            heads[line[(space + 1 + Heads.Length)..]] = line[..space];
        }

        return heads;
    }

    public string? CommonAncestor(string repo, IReadOnlyList<string> commits)
    {
        if (commits.Count == 0)
        {
            return null;
        }

        // Exit 1 with no output: no common ancestor (unrelated histories).
        var r = Run(repo, ["merge-base", "--octopus", .. commits]);
        return r.ExitCode switch
        {
            0 => r.StandardOutput.Trim(),
            1 => null,
            _ => throw Failure(repo, ["merge-base", "--octopus"], r),
        };
    }

    public IReadOnlyList<CommitFiles> History(string repo, IReadOnlyList<string> tips, string? exclude)
    {
        // One walk for every branch at once. -c lists, for a merge, only the files that differ
        // from every parent (a resolution); what a merge brings in is in the commits it joins.
        // NUL starts each record, so file names with spaces survive; --topo-order puts children
        // before parents.
        List<string> args = ["log", "--topo-order", "-c", "--name-only", "--no-renames", "--format=%x00%H %P", .. tips];
        if (exclude is not null)
        {
            args.Add("^" + exclude);
        }

        args.Add("--");
        var commits = new List<CommitFiles>();
        foreach (var record in Git(repo, args).Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var lines = record.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var ids = lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            commits.Add(new CommitFiles(ids[0], ids[1..], lines[1..]));
        }

        return commits;
    }

    public IReadOnlyList<(string Sha, string Message)> CommitMessages(string repo, IReadOnlyList<string> revisions, int limit)
    {
        // Unit and record separators cannot appear in a message git stores as text.
        List<string> args = ["log", "--format=%H%x1f%B%x1e"];
        args.AddRange(revisions.Count > 0 ? ["--no-walk=unsorted", "--end-of-options", .. revisions] : ["-n", limit.ToString(CultureInfo.InvariantCulture), "--branches"]);
        args.Add("--");
        var list = new List<(string, string)>();
        foreach (var record in Git(repo, args).Split('\x1e', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var parts = record.Split('\x1f', 2);
            if (parts.Length == 2)
            {
                list.Add((parts[0].Trim(), parts[1].Trim()));
            }
        }

        return list;
    }

    public IReadOnlyList<string> MergeConflicts(string repo, string a, string b)
    {
        var r = Run(repo, ["merge-tree", "--write-tree", "--name-only", "--no-messages", a, b]);
        return r.ExitCode switch
        {
            0 => [],
            1 => r.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries).Skip(1).Distinct(StringComparer.Ordinal).ToList(),
            _ => throw Failure(repo, ["merge-tree", "--write-tree", a, b], r),
        };
    }

    public MergeAttempt Rebase(string dir, string onto)
    {
        var r = Run(dir, ["rebase", "--quiet", "--no-autostash", onto]);
        var output = (r.StandardOutput + r.StandardError).Trim();
        if (r.ExitCode == 0)
        {
            return new MergeAttempt(true, Git(dir, ["rev-parse", "HEAD"]).Trim(), [], output);
        }

        var files = Git(dir, ["diff", "--name-only", "--diff-filter=U", "-z"]).Split('\0', StringSplitOptions.RemoveEmptyEntries);
        if (Run(dir, ["rebase", "--abort"]).ExitCode != 0 && files.Length == 0)
        {
            throw Failure(dir, ["rebase", onto], r); // not a conflict: git refused to start
        }

        return new MergeAttempt(false, null, files, output);
    }

    public void Push(string repo, string remote, string branch)
    {
        // An explicit refspec: the branch needs no upstream, and a name like "main" on the left
        // can never be read as a tag. No --force: a remote branch changed by someone else is theirs.
        var r = _runner.Run(new ProcessRequest("git", ["-C", repo, "push", "--quiet", "--porcelain", remote, $"{Heads}{branch}:{Heads}{branch}"])
        {
            Timeout = TimeSpan.FromMinutes(5),
            Environment = new Dictionary<string, string> { ["GIT_TERMINAL_PROMPT"] = "0" },
        });
        if (r.ExitCode != 0)
        {
            throw Failure(repo, ["push", remote, branch], r);
        }
    }

    public string? RemoteUrl(string repo, string remote)
    {
        var r = Run(repo, ["remote", "get-url", remote]);
        return r.ExitCode == 0 && r.StandardOutput.Trim() is { Length: > 0 } url ? url : null;
    }

    public void Probe(string repo, string remote)
    {
        var r = Network(repo, ["ls-remote", "--heads", "--end-of-options", remote], TimeSpan.FromSeconds(30));
        if (r.ExitCode != 0)
        {
            throw Failure(repo, ["ls-remote", "--heads", remote], r);
        }
    }

    public string? FetchBranch(string repo, string remote, string branch)
    {
        var tracking = $"refs/remotes/{remote}/{branch}";
        var r = Network(repo, ["fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--end-of-options", remote, $"+{Heads}{branch}:{tracking}"], TimeSpan.FromMinutes(5));
        if (r.ExitCode != 0)
        {
            // The one refusal that is an answer: the remote has no such branch (yet).
            if (r.StandardError.Contains("couldn't find remote ref", StringComparison.Ordinal))
            {
                return null;
            }

            throw Failure(repo, ["fetch", remote, branch], r);
        }

        return Resolve(repo, tracking);
    }

    public bool PushBranch(string repo, string remote, string branch, string commit, string? expected)
    {
        // --force-with-lease with an explicit value is a compare-and-swap on the remote's branch:
        // it lands only if the branch is where this clone last saw it (empty: absent), so two
        // clones never overwrite each other's pushes, and a rewritten branch (a rebase) still goes.
        var r = Network(repo, ["push", "--quiet", "--porcelain", $"--force-with-lease={Heads}{branch}:{expected ?? ""}", "--end-of-options", remote, $"{commit}:{Heads}{branch}"], TimeSpan.FromMinutes(5));
        if (r.ExitCode != 0)
        {
            // --porcelain prints a line per ref; "!" with "[rejected]" is the remote's branch
            // being elsewhere (stale info, fetch first, non-fast-forward), not a broken remote.
            if (r.StandardOutput.Split('\n').Any(l => l.StartsWith('!') && l.Contains("[rejected]", StringComparison.Ordinal)))
            {
                return false;
            }

            throw Failure(repo, ["push", remote, $"{commit}:{Heads}{branch}"], r);
        }

        Git(repo, ["update-ref", "-m", "baton: pushed", $"refs/remotes/{remote}/{branch}", commit]);
        return true;
    }

    /// <summary>A git command that talks to a remote: bounded, and never waiting for a password on a terminal.</summary>
    private ProcessResult Network(string dir, IReadOnlyList<string> args, TimeSpan timeout) =>
        _runner.Run(new ProcessRequest("git", ["-C", dir, .. args])
        {
            Timeout = timeout,
            Environment = new Dictionary<string, string> { ["GIT_TERMINAL_PROMPT"] = "0" },
        });

    private bool BranchExists(string repo, string branch) =>
        Run(repo, ["show-ref", "--verify", "--quiet", Heads + branch]).ExitCode == 0;

    public bool IsAncestor(string repo, string ancestor, string descendant)
    {
        var r = Run(repo, ["merge-base", "--is-ancestor", ancestor, descendant]);
        return r.ExitCode switch
        {
            0 => true,
            1 => false,
            _ => throw Failure(repo, ["merge-base", "--is-ancestor", ancestor, descendant], r),
        };
    }

    /// <summary>True when <paramref name="path"/> is the top of a worktree of <paramref name="repo"/>.</summary>
    private bool IsWorktreeOf(string repo, string path)
    {
        // Asked of git rather than by comparing paths: git reports real paths (symlinks resolved),
        // which need not match the spelling the caller used.
        if (!Directory.Exists(path))
        {
            return false;
        }

        var there = Run(path, ["rev-parse", "--path-format=absolute", "--git-common-dir", "--show-prefix"]);
        if (there.ExitCode != 0)
        {
            return false;
        }

        var lines = there.StandardOutput.Split('\n');
        var common = Git(repo, ["rev-parse", "--path-format=absolute", "--git-common-dir"]).Trim();
        return lines[0].Trim() == common && (lines.Length < 2 || lines[1].Trim().Length == 0);
    }

    private string Git(string dir, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? env = null)
    {
        var r = Run(dir, args, env);
        return r.ExitCode == 0 ? r.StandardOutput : throw Failure(dir, args, r);
    }

    private ProcessResult Run(string dir, IReadOnlyList<string> args, IReadOnlyDictionary<string, string>? env = null) =>
        _runner.Run(new ProcessRequest("git", ["-C", dir, .. args]) { Environment = env, Timeout = TimeSpan.FromMinutes(2) });

    /// <summary>A refusal by git, typed so Core can tell it from a bug; the message is the one users always saw.</summary>
    private static GitCommandFailedException Failure(string dir, IReadOnlyList<string> args, ProcessResult r)
    {
        var command = string.Join(' ', args);
        if (command.Length > 120)
        {
            command = command[..117] + "...";
        }

        var detail = (r.StandardError.Trim().Length > 0 ? r.StandardError : r.StandardOutput).Trim();
        detail = string.Join("; ", detail.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        return new GitCommandFailedException(["-C", dir, .. args], r.ExitCode, r.StandardError,
            $"git {command} failed in {dir} (exit {r.ExitCode}): {(detail.Length > 0 ? detail : "no output")}");
    }
}
