using System.Globalization;
using Baton.Core.Tickets;

namespace Baton.Core.GitHub;

/// <summary>
/// The body of a ticket's pull request: <c>.baton/templates/pull_request.md</c> when the project
/// has one, else the built-in. Placeholders are <c>{{name}}</c>; <c>{{closes}}</c> is
/// "Closes #N" for a ticket imported from issue N (GitHub then closes the issue on merge).
/// </summary>
public static class PullRequestTemplate
{
    public static string BuiltIn()
    {
        using var stream = typeof(PullRequestTemplate).Assembly.GetManifestResourceStream("assets/templates/pull_request.md")
            ?? throw new InvalidOperationException("the built-in pull request template is missing from the binary");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>N when the ticket came from issue N (<c>github#N</c>), else null.</summary>
    public static int? IssueNumber(Ticket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return ticket.Source.StartsWith("github#", StringComparison.Ordinal)
            && int.TryParse(ticket.Source.AsSpan(7), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
    }

    public static string Render(string template, Ticket ticket, string target)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(ticket);
        var closes = IssueNumber(ticket) is { } n ? $"Closes #{n.ToString(CultureInfo.InvariantCulture)}" : "";
        return template
            .Replace("{{closes}}", closes, StringComparison.Ordinal)
            .Replace("{{id}}", ticket.Id, StringComparison.Ordinal)
            .Replace("{{title}}", ticket.Title, StringComparison.Ordinal)
            .Replace("{{body}}", string.IsNullOrWhiteSpace(ticket.Body) ? "(no description)" : ticket.Body.Trim(), StringComparison.Ordinal)
            .Replace("{{summary}}", string.IsNullOrWhiteSpace(ticket.Summary) ? "(no summary reported)" : ticket.Summary.Trim(), StringComparison.Ordinal)
            .Replace("{{labels}}", ticket.Labels.Count == 0 ? "none" : string.Join(", ", ticket.Labels), StringComparison.Ordinal)
            .Replace("{{branch}}", ticket.Branch ?? "", StringComparison.Ordinal)
            .Replace("{{target}}", target, StringComparison.Ordinal)
            .Trim() + "\n";
    }
}
