namespace Baton.Core.Tickets;

/// <summary>
/// The prompt a worker receives for a ticket: <c>.baton/templates/ticket.md</c> when the project
/// has one, else the built-in. Placeholders are <c>{{name}}</c>; an unknown one is refused by
/// <see cref="Check"/> (`baton up` at start, `baton ticket assign`) with its line.
/// </summary>
public static partial class TicketTemplate
{
    /// <summary>The placeholders <see cref="Render"/> fills.</summary>
    public static readonly IReadOnlyList<string> Placeholders = ["id", "title", "body", "labels", "branch", "worktree", "dependencies"];

    [System.Text.RegularExpressions.GeneratedRegex(@"\{\{\s*([^{}]*?)\s*\}\}")]
    private static partial System.Text.RegularExpressions.Regex Placeholder();

    /// <summary>Throws a usage error naming <paramref name="file"/>, the line and the known placeholders for any unknown <c>{{name}}</c>.</summary>
    public static void Check(string template, string file)
    {
        ArgumentNullException.ThrowIfNull(template);
        var lines = template.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            foreach (System.Text.RegularExpressions.Match m in Placeholder().Matches(lines[i]))
            {
                if (!Placeholders.Contains(m.Groups[1].Value, StringComparer.Ordinal))
                {
                    throw BatonException.Usage($"{file}:{i + 1}: unknown placeholder {m.Value}; the known ones are {string.Join(", ", Placeholders.Select(p => "{{" + p + "}}"))}");
                }
            }
        }
    }

    public static string BuiltIn()
    {
        using var stream = typeof(TicketTemplate).Assembly.GetManifestResourceStream("assets/templates/ticket.md")
            ?? throw new InvalidOperationException("the built-in ticket template is missing from the binary");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public static string Render(string template, Ticket ticket, IReadOnlyDictionary<long, Ticket> dependencies)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(dependencies);
        var deps = ticket.DependsOn.Count == 0
            ? "none"
            : string.Join("; ", ticket.DependsOn.Select(d => dependencies.TryGetValue(d, out var t)
                ? $"{t.Id} {t.Title} ({t.Status.ToText()}{(string.IsNullOrEmpty(t.Summary) ? "" : ": " + t.Summary)})"
                : TicketId.Format(d)));
        return template
            .Replace("{{id}}", ticket.Id, StringComparison.Ordinal)
            .Replace("{{title}}", ticket.Title, StringComparison.Ordinal)
            .Replace("{{body}}", string.IsNullOrWhiteSpace(ticket.Body) ? "(no description)" : ticket.Body, StringComparison.Ordinal)
            .Replace("{{labels}}", ticket.Labels.Count == 0 ? "none" : string.Join(", ", ticket.Labels), StringComparison.Ordinal)
            .Replace("{{branch}}", ticket.Branch ?? "the current branch", StringComparison.Ordinal)
            .Replace("{{worktree}}", ticket.Worktree ?? "your current folder", StringComparison.Ordinal)
            .Replace("{{dependencies}}", deps, StringComparison.Ordinal)
            .TrimEnd() + "\n";
    }
}
