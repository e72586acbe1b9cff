using System.CommandLine;

namespace Baton.Cli.Host;

/// <summary>
/// The "Commands:" rows of the help: the library (whose help builder is not public) shows every
/// argument there as `&lt;name&gt;`, so `status &lt;feature&gt;` looked required. Its text is rewritten
/// here: an optional argument is `[&lt;name&gt;]`, as in the usage line, and the columns realigned.
/// </summary>
internal static class HelpLabels
{
    /// <summary>`list, ls` or `status [&lt;feature&gt;]` or `send &lt;name&gt; &lt;message&gt;`.</summary>
    public static string Label(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        var arguments = command.Arguments.Where(a => !a.Hidden).Select(a =>
        {
            var label = $"<{a.Name}>" + (a.Arity.MaximumNumberOfValues > 1 ? "..." : "");
            return a.Arity.MinimumNumberOfValues == 0 ? $"[{label}]" : label;
        });
        return string.Join(' ', arguments.Prepend(Names(command)));
    }

    /// <summary>The help text of <paramref name="command"/> with its subcommands' rows relabelled.</summary>
    public static string Rewrite(string help, Command command)
    {
        ArgumentNullException.ThrowIfNull(help);
        ArgumentNullException.ThrowIfNull(command);
        var lines = help.Split('\n').ToList();
        var start = lines.FindIndex(l => l.TrimEnd() == "Commands:");
        if (start < 0)
        {
            return help;
        }

        var end = lines.FindIndex(start + 1, l => l.Trim().Length == 0);
        end = end < 0 ? lines.Count : end;
        var labels = command.Subcommands.Where(c => !c.Hidden).ToDictionary(DefaultLabel, Label, StringComparer.Ordinal);
        var rows = new List<(string? Label, string Text)>();
        var oldColumn = 0;
        for (var i = start + 1; i < end; i++)
        {
            var line = lines[i];
            var gap = line.IndexOf("  ", 2, StringComparison.Ordinal);
            if (line.StartsWith("  ", StringComparison.Ordinal) && !line.StartsWith("   ", StringComparison.Ordinal) && gap > 0)
            {
                var label = line[2..gap];
                var text = line[gap..].TrimStart();
                oldColumn = line.Length - text.Length;
                rows.Add((labels.GetValueOrDefault(label, label), text));
            }
            else
            {
                rows.Add((null, line.TrimStart()));
            }
        }

        var column = rows.Where(r => r.Label is not null).Select(r => r.Label!.Length).DefaultIfEmpty(0).Max() + 4;
        if (oldColumn == 0)
        {
            return help;
        }

        var rewritten = rows.Select(r => r.Label is null ? new string(' ', column) + r.Text : ("  " + r.Label).PadRight(column) + r.Text);
        return string.Join('\n', lines.Take(start + 1).Concat(rewritten).Concat(lines.Skip(end)));
    }

    // The library's row label: names, then every argument as <name>.
    private static string DefaultLabel(Command command) =>
        string.Join(' ', command.Arguments.Where(a => !a.Hidden).Select(a => $"<{a.Name}>").Prepend(Names(command)));

    private static string Names(Command command) => string.Join(", ", command.Aliases.Prepend(command.Name).Distinct(StringComparer.Ordinal));
}
