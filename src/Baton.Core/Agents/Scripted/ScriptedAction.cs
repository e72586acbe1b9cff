using System.Globalization;

namespace Baton.Core.Agents.Scripted;

/// <summary>One step of the scripted agent's action language (see docs/scripted-agent.md).</summary>
public sealed record ScriptedAction(string Verb, string Argument, int Line)
{
    public static readonly IReadOnlySet<string> Verbs = new HashSet<string>(StringComparer.Ordinal)
    {
        "say", "sleep", "write", "append", "run", "commit", "ask", "tokens", "crash", "exit", "dump", "context", "next", "once", "again",
    };

    /// <summary>
    /// Lines that start with <c>@verb</c> are actions; any other text is the task's prose, which the
    /// agent acknowledges. A task with no action at all is "worked on" briefly and finished.
    /// </summary>
    public static IReadOnlyList<ScriptedAction> Parse(string task)
    {
        ArgumentNullException.ThrowIfNull(task);
        var actions = new List<ScriptedAction>();
        var lines = task.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i].Trim();
            if (!line.StartsWith('@') || line.Length < 2)
            {
                continue;
            }

            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var verb = space < 0 ? line[1..] : line[1..space];
            var arg = space < 0 ? "" : line[(space + 1)..].Trim();
            actions.Add(new ScriptedAction(verb.ToLowerInvariant(), arg, i + 1));
        }

        return actions;
    }

    /// <summary>Splits "PATH rest of the text" (used by write, append and dump).</summary>
    public (string First, string Remainder) SplitFirst()
    {
        var space = Argument.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (Argument, "") : (Argument[..space], Argument[(space + 1)..]);
    }

    /// <summary>Text arguments understand \n and \t escapes, so one line can write several.</summary>
    public static string Unescape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return text.Replace("\\n", "\n", StringComparison.Ordinal).Replace("\\t", "\t", StringComparison.Ordinal);
    }

    public double Seconds(double fallback) =>
        double.TryParse(Argument, NumberStyles.Float, CultureInfo.InvariantCulture, out var s) && s >= 0 ? Math.Min(s, 3600) : fallback;
}
