using System.Globalization;
using Baton.Core.Git;
using Baton.Core.Handoff;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Git;

/// <summary>The git CLI behind <see cref="IGitPatches"/> (the diffs a synthesis reads).</summary>
public sealed class GitPatches : IGitPatches
{
    private readonly IProcessRunner _runner;

    public GitPatches(IProcessRunner runner)
    {
        _runner = runner;
    }

    public GitPatch Patch(string repo, string from, string to, int maxPatchChars)
    {
        // -z: paths as they are (no quoting of unusual names); renames off, so each path is one record.
        var numstat = Git(repo, ["diff", "--numstat", "-z", "--no-renames", from, to, "--"]);
        var stat = new List<DiffStatLine>();
        foreach (var record in numstat.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = record.Split('\t', 3);
            if (parts.Length == 3)
            {
                stat.Add(new DiffStatLine(parts[2], Number(parts[0]), Number(parts[1])));
            }
        }

        var patch = Git(repo, ["diff", "--no-color", "--no-ext-diff", "--no-renames", from, to, "--"]);
        return patch.Length <= maxPatchChars
            ? new GitPatch(stat, patch, false, patch.Length)
            : new GitPatch(stat, patch[..maxPatchChars], true, patch.Length);
    }

    private static int? Number(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private string Git(string dir, IReadOnlyList<string> args)
    {
        var r = _runner.Run(new ProcessRequest("git", ["-C", dir, .. args]) { Timeout = TimeSpan.FromMinutes(2) });
        return r.ExitCode == 0 ? r.StandardOutput
            : throw new GitCommandFailedException(["-C", dir, .. args], r.ExitCode, r.StandardError, $"git {string.Join(' ', args)} failed in {dir} (exit {r.ExitCode}): {r.StandardError.Trim()}");
    }
}
