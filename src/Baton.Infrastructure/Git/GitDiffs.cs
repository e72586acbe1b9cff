using System.Globalization;
using Baton.Core.Git;
using Baton.Core.Handoff;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Git;

/// <summary>The git CLI behind <see cref="IGitDiffs"/> (a handoff packet's diff stat and uncommitted files).</summary>
public sealed class GitDiffs : IGitDiffs
{
    private readonly IProcessRunner _runner;

    public GitDiffs(IProcessRunner runner)
    {
        _runner = runner;
    }

    public IReadOnlyList<DiffStatLine> DiffStat(string dir, string baseRevision)
    {
        // -z: paths as they are (no quoting of unusual names); a rename is "added\tdeleted\t\0from\0to\0".
        var output = Git(dir, ["diff", "--numstat", "-z", "--no-renames", baseRevision, "--"]);
        var lines = new List<DiffStatLine>();
        foreach (var record in output.Split('\0', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = record.Split('\t', 3);
            if (parts.Length == 3)
            {
                lines.Add(new DiffStatLine(parts[2], Number(parts[0]), Number(parts[1])));
            }
        }

        return lines;
    }

    public IReadOnlyList<string> Uncommitted(string dir)
    {
        var output = Git(dir, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--no-renames"]);
        return output.Split('\0', StringSplitOptions.RemoveEmptyEntries).Where(e => e.Length > 3).Select(e => e[3..]).Distinct(StringComparer.Ordinal).ToList();
    }

    private static int? Number(string text) => int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : null;

    private string Git(string dir, IReadOnlyList<string> args)
    {
        var r = _runner.Run(new ProcessRequest("git", ["-C", dir, .. args]) { Timeout = TimeSpan.FromMinutes(2) });
        return r.ExitCode == 0 ? r.StandardOutput
            : throw new GitCommandFailedException(["-C", dir, .. args], r.ExitCode, r.StandardError, $"git {string.Join(' ', args)} failed in {dir} (exit {r.ExitCode}): {r.StandardError.Trim()}");
    }
}
