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

    /// <param name="storeUrl">The shared store to make or join (`--store`); null: .baton/baton.db.</param>
    public InitResult Init(string directory, string? storeUrl = null)
    {
        var root = RepositoryRoot(directory);
        var paths = BatonPaths.ForRoot(root);
        var written = new List<string>();
        var created = storeUrl is null ? !_files.FileExists(paths.Database) : !_files.FileExists(paths.ConfigFile);
        // Connected first: a database that cannot be reached leaves nothing half made.
        var saved = storeUrl is null ? null : _setup.CreateSharedStore(storeUrl);
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
            _files.WriteText(paths.ConfigFile, saved is null ? _setup.DefaultConfig : WithStoreUrl(_setup.DefaultConfig, saved, paths.ConfigFile));
            written.Add(Relative(root, paths.ConfigFile));
        }
        else
        {
            // Fail now, with file and line, rather than at the first spawn.
            var text = _files.ReadText(paths.ConfigFile);
            _setup.CheckConfig(paths.ConfigFile, text);
            if (saved is not null && WithStoreUrl(text, saved, paths.ConfigFile) is var updated && updated != text)
            {
                _files.WriteText(paths.ConfigFile, updated);
                written.Add(Relative(root, paths.ConfigFile) + " (store.url)");
            }
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

        if (saved is null)
        {
            _setup.CreateStore(paths.Database);
        }

        if (created && saved is null)
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

    /// <summary>The config with store.url set: the template's empty line filled in; a config that sets another by hand is refused.</summary>
    private static string WithStoreUrl(string config, string url, string file)
    {
        const string Empty = "\n  url: \"\"\n";
        var line = $"\n  url: \"{url}\"\n";
        if (config.Contains(line, StringComparison.Ordinal))
        {
            return config;
        }

        var store = config.StartsWith("store:\n", StringComparison.Ordinal) ? 0 : config.IndexOf("\nstore:\n", StringComparison.Ordinal);
        var empty = store < 0 ? -1 : config.IndexOf(Empty, store, StringComparison.Ordinal);
        if (empty < 0)
        {
            throw new BatonException($"{file} has no empty store.url to fill in: set `url: \"{url}\"` under `store:` by hand, then run `baton init` again");
        }

        return config[..empty] + line + config[(empty + Empty.Length)..];
    }
}
