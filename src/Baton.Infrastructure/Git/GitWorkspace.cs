using Baton.Core.Git;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Git;

/// <summary>The git CLI, always with <c>-C dir</c>, for what Baton sets up in a checkout.</summary>
public sealed class GitWorkspace : IGitWorkspace
{
    /// <summary>The hooks Baton installs, and what `baton guard` checks in each.</summary>
    public static readonly IReadOnlyList<string> GuardHooks = ["pre-commit", "pre-push", "reference-transaction"];

    private const string Marker = "# installed by baton: role guards";
    private readonly IProcessRunner _runner;

    public GitWorkspace(IProcessRunner runner)
    {
        _runner = runner;
    }

    public bool Exclude(string directory, string pattern)
    {
        var file = GitPath(directory, "info/exclude");
        if (file is null)
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var text = File.Exists(file) ? File.ReadAllText(file) : "";
        // "x" matches everywhere and "/x" files and folders alike: either already covers "/x/".
        string[] covering = [pattern, pattern.TrimStart('/'), pattern.TrimEnd('/'), pattern.Trim('/')];
        if (text.Split('\n').Any(line => covering.Contains(line.Trim(), StringComparer.Ordinal)))
        {
            return false;
        }

        File.AppendAllText(file, (text.Length > 0 && !text.EndsWith('\n') ? "\n" : "") + pattern + "\n");
        return true;
    }

    public bool Unexclude(string directory, string pattern)
    {
        var file = GitPath(directory, "info/exclude");
        if (file is null || !File.Exists(file))
        {
            return false;
        }

        var lines = File.ReadAllText(file).Split('\n').ToList();
        var at = lines.FindIndex(l => l.TrimEnd('\r') == pattern);
        if (at < 0)
        {
            return false;
        }

        lines.RemoveAt(at);
        File.WriteAllText(file, string.Join('\n', lines));
        return true;
    }

    /// <summary>
    /// git runs reference-transaction at each phase of every ref update (prepared, committed,
    /// aborted); only "prepared" can still refuse, so the others end before baton starts (one
    /// process less per commit on an agent's critical path).
    /// </summary>
    private const string PreparedOnly = "[ \"$1\" = prepared ] || exit 0 # only this phase can refuse";

    public string? InstallGuards(string directory, IReadOnlyList<string> baton)
    {
        if (Hooks(directory, baton) is not { } found)
        {
            return null;
        }

        var (hooks, command) = found;

        foreach (var hook in GuardHooks)
        {
            // reference-transaction and pre-push read stdin: it is saved once so the original
            // hook and the guard both see it.
            WriteHook(Path.Combine(hooks, hook), Marker, $"""
                #!/bin/sh
                {Marker}. Only Baton workers whose role has guards are checked
                # (BATON_WORKER set and .baton/guards/<worker>.json present); everyone else passes.
                input=$(cat)
                if [ -x "$0.baton-orig" ]; then
                  printf '%s\n' "$input" | "$0.baton-orig" "$@" || exit $?
                fi
                [ -n "$BATON_WORKER" ] || exit 0
                {(hook == "reference-transaction" ? PreparedOnly : "")}
                # No guard file for this worker: nothing to check, no need to start baton.
                if [ -n "$BATON_DB" ] && [ ! -f "$(dirname "$BATON_DB")/guards/$BATON_WORKER.json" ]; then exit 0; fi
                printf '%s\n' "$input" | exec {command} guard {hook} "$@"

                """);
        }

        return hooks;
    }

    /// <summary>
    /// `baton hooks install`: a post-commit hook that syncs ticket states from the new commit's
    /// message. A post-commit hook cannot undo the commit, so a failure only prints a warning.
    /// </summary>
    public string? InstallPostCommit(string directory, IReadOnlyList<string> baton)
    {
        if (Hooks(directory, baton) is not { } found)
        {
            return null;
        }

        var (hooks, command) = found;

        var file = Path.Combine(hooks, "post-commit");
        WriteHook(file, SyncMarker, $"""
            #!/bin/sh
            {SyncMarker}: ticket ids in commit messages update the tickets (baton sync-status).
            if [ -x "$0.baton-orig" ]; then
              "$0.baton-orig" "$@"
            fi
            {command} sync-status --commit HEAD --quiet || echo "baton: sync-status failed (the commit is made)" >&2
            exit 0

            """);
        return file;
    }

    /// <summary>The repository's hooks folder (made if missing; null outside git) and the quoted command that runs baton.</summary>
    private (string Hooks, string Command)? Hooks(string directory, IReadOnlyList<string> baton)
    {
        ArgumentNullException.ThrowIfNull(baton);
        if (GitPath(directory, "hooks") is not { } hooks)
        {
            return null;
        }

        Directory.CreateDirectory(hooks);
        return (hooks, string.Join(' ', baton.Select(Shell.Quote)));
    }

    private const string SyncMarker = "# installed by baton: status sync";

    /// <summary>
    /// Writes a hook, keeping a foreign one (not carrying <paramref name="marker"/>) beside it as
    /// <c>HOOK.baton-orig</c>, which ours runs first. A hook saved earlier is never overwritten: the
    /// newer foreign one is kept under a dated name. Atomic: never a half-written hook.
    /// </summary>
    private static void WriteHook(string file, string marker, string script)
    {
        var original = file + ".baton-orig";
        var current = ReadIfExists(file);
        if (current == script)
        {
            return; // already in place: nothing to rewrite (and nothing to race over)
        }

        if (current is not null && !current.Contains(marker, StringComparison.Ordinal))
        {
            File.Move(file, File.Exists(original) ? $"{original}.{DateTime.UtcNow:yyyyMMddHHmmssfff}" : original);
        }

        // A temp file of this call's own: several spawns may install hooks at once.
        var temp = $"{file}.baton-tmp-{Environment.ProcessId}-{Guid.NewGuid():N}";
        File.WriteAllText(temp, script);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(temp, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
                UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        File.Move(temp, file, overwrite: true);
    }

    private static string? ReadIfExists(string file)
    {
        try
        {
            return File.ReadAllText(file);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    public (string Own, string Common)? GitFolders(string directory)
    {
        ProcessResult result;
        try
        {
            result = _runner.Run(new ProcessRequest("git", ["-C", directory, "rev-parse", "--path-format=absolute", "--absolute-git-dir", "--git-common-dir"]));
        }
        catch (Baton.Core.BatonException)
        {
            return null;
        }

        var lines = result.StandardOutput.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return result.ExitCode == 0 && lines.Length == 2 ? (lines[0], lines[1]) : null;
    }

    private string? GitPath(string directory, string path)
    {
        ProcessResult result;
        try
        {
            result = _runner.Run(new ProcessRequest("git", ["-C", directory, "rev-parse", "--path-format=absolute", "--git-path", path]));
        }
        catch (Baton.Core.BatonException)
        {
            return null; // git missing: nothing to set up
        }

        return result.ExitCode == 0 ? result.StandardOutput.Trim() : null;
    }
}
