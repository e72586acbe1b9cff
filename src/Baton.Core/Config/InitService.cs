using Baton.Core.Files;
using Baton.Core.Git;
using Baton.Core.Processes;

namespace Baton.Core.Config;

/// <summary>
/// `baton init`: creates .baton/ (folders, config, built-in roles and directives, the store) at the
/// root of the repository holding a directory, and keeps it out of git. Safe to run again: a file
/// that exists is never overwritten.
/// </summary>
public sealed class InitService
{
    private readonly IFiles _files;
    private readonly IGitWorkspace _git;
    private readonly IProcessRunner _runner;
    private readonly IProjectSetup _setup;

    public InitService(IFiles files, IGitWorkspace git, IProcessRunner runner, IProjectSetup setup)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(git);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(setup);
        _files = files;
        _git = git;
        _runner = runner;
        _setup = setup;
    }

    public InitResult Init(string directory)
    {
        var root = RepositoryRoot(directory);
        var paths = BatonPaths.ForRoot(root);
        var written = new List<string>();
        var created = !_files.FileExists(paths.Database);
        foreach (var dir in new[] { paths.BatonDir, paths.LogsDir, paths.LocksDir, paths.AgentsDir })
        {
            if (!_files.DirectoryExists(dir))
            {
                _files.CreateDirectory(dir);
                written.Add(Relative(root, dir) + "/");
            }
        }

        if (!_files.FileExists(paths.ConfigFile))
        {
            _files.WriteText(paths.ConfigFile, _setup.DefaultConfig);
            written.Add(Relative(root, paths.ConfigFile));
        }
        else
        {
            // Fail now, with file and line, rather than at the first spawn.
            _setup.CheckConfig(paths.ConfigFile, _files.ReadText(paths.ConfigFile));
        }

        foreach (var builtIn in _setup.BuiltIns())
        {
            var dir = Path.Combine(paths.BatonDir, builtIn.Folder);
            _files.CreateDirectory(dir);
            var file = Path.Combine(dir, builtIn.Name + ".yaml");
            if (!_files.FileExists(file))
            {
                _files.WriteText(file, builtIn.Text);
                written.Add(Relative(root, file));
            }
        }

        _setup.CreateStore(paths.Database);
        if (created)
        {
            written.Add(Relative(root, paths.Database));
        }

        // .git/info/exclude is local to the clone: .baton/ leaves `git status` without a tracked file changing.
        if (_git.Exclude(root, "/.baton/"))
        {
            written.Add(".git/info/exclude (+ .baton/)");
        }

        return new InitResult(root, paths, created, written);
    }

    private string RepositoryRoot(string directory)
    {
        ProcessResult result;
        try
        {
            result = _runner.Run(new ProcessRequest("git", ["-C", directory, "rev-parse", "--path-format=absolute", "--show-toplevel", "--git-common-dir"]));
        }
        catch (ProcessStartFailedException e)
        {
            throw new BatonException("git is not installed or not on PATH: install it (Debian: apt-get install git)", e);
        }

        if (result.ExitCode != 0)
        {
            throw new BatonException($"{directory} is not inside a git repository: cd into your repository, or run `git init` first");
        }

        return MainRoot(result.StandardOutput);
    }

    /// <summary>
    /// The main checkout's folder: in a linked worktree (`git worktree add`), the one whose `.git`
    /// is the common directory, so the worktree shares the repository's store instead of making a
    /// second one. A bare or unusual layout keeps the worktree's own top level.
    /// </summary>
    public static string MainRoot(string revParse)
    {
        var lines = revParse.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var top = lines[0];
        if (lines.Length < 2 || Path.GetFileName(lines[1].TrimEnd('/')) != ".git")
        {
            return top;
        }

        return Path.GetDirectoryName(lines[1].TrimEnd('/')) is { Length: > 0 } main ? main : top;
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path);
}
