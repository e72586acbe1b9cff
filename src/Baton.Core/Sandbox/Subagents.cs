using Baton.Core.Files;
using Baton.Core.Roles;

namespace Baton.Core.Sandbox;

/// <summary>
/// A role's Claude Code sub-agents, written into the worker's folder as <c>.claude/agents/NAME.md</c>
/// (where Claude Code finds project sub-agents) and kept out of git through the repository's
/// <c>info/exclude</c>, so the worker can delegate to them and never commits them.
/// </summary>
public static class Subagents
{
    /// <summary>Installs them and returns the note for the spawn event.</summary>
    public static string Install(IFiles files, Role role, string worktree, string? gitCommonDir)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(role);
        var dir = Path.Combine(worktree, ".claude", "agents");
        files.CreateDirectory(dir);
        var patterns = new List<string>();
        foreach (var (name, text) in role.Subagents.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            files.WriteText(Path.Combine(dir, name + ".md"), text.EndsWith('\n') ? text : text + "\n");
            patterns.Add("/.claude/agents/" + name + ".md");
        }

        if (gitCommonDir is not null)
        {
            // info/exclude is the repository's own ignore list: not a file the worker could commit.
            var exclude = Path.Combine(gitCommonDir, "info", "exclude");
            var existing = files.FileExists(exclude) ? files.ReadText(exclude) : "";
            var lines = existing.Split('\n').Select(l => l.Trim()).ToHashSet(StringComparer.Ordinal);
            var missing = patterns.Where(p => !lines.Contains(p)).ToList();
            if (missing.Count > 0)
            {
                files.CreateDirectory(Path.GetDirectoryName(exclude)!);
                var prefix = existing.Length > 0 && !existing.EndsWith('\n') ? "\n" : "";
                files.AppendText(exclude, prefix + string.Join('\n', missing) + "\n");
            }
        }

        return $"sub-agents {string.Join(", ", role.Subagents.Keys.Order(StringComparer.Ordinal))} in .claude/agents (excluded from git)";
    }
}
