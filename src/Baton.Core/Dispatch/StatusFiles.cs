using System.Globalization;
using System.Text;
using Baton.Core.Config;
using Baton.Core.Files;
using Baton.Core.Tickets;
using Baton.Core.Workers;

namespace Baton.Core.Dispatch;

/// <summary>
/// <c>.baton/ORCHESTRATION_STATUS.md</c> (workers, their tickets, states, last activity) and
/// <c>.baton/features/NAME/tasks.md</c> (a checklist per feature), <c>.baton/features/NAME/overseer.md</c>
/// (the overseer's view of a feature whose tickets run on implementor branches, <see cref="OverseerStatus"/>), rewritten only when their
/// content changes, atomically (readers never see half a file). They live in .baton/ so the
/// repository's own `git status` stays clean.
/// </summary>
public sealed class StatusFiles
{
    private readonly BatonPaths _paths;
    private readonly IFiles _files;

    // What this process last wrote to each file: an unchanged page is not read back from disk on
    // every tick. Owned by the loop thread.
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);

    public StatusFiles(BatonPaths paths, IFiles files)
    {
        _paths = paths;
        _files = files;
    }

    public string StatusFile => Path.Combine(_paths.BatonDir, "ORCHESTRATION_STATUS.md");

    public string TasksFile(string feature) => Path.Combine(_paths.BatonDir, "features", feature, "tasks.md");

    public string OverseerFile(string feature) => Path.Combine(_paths.BatonDir, "features", feature, "overseer.md");

    public void Write(IReadOnlyList<Worker> workers, IReadOnlyList<Ticket> tickets, DateTimeOffset now)
    {
        WriteIfChanged(StatusFile, Orchestration(workers, tickets));
        foreach (var group in tickets.Where(t => t.Feature is not null).GroupBy(t => t.Feature!))
        {
            WriteIfChanged(TasksFile(group.Key), Tasks(group.Key, group.ToList()));
            if (OverseerStatus.Render(group.Key, group.ToList(), workers) is { } overseer)
            {
                WriteIfChanged(OverseerFile(group.Key), overseer);
            }
        }
    }

    /// <summary>The status page. It carries no clock of its own, so an unchanged fleet leaves the file untouched.</summary>
    public static string Orchestration(IReadOnlyList<Worker> workers, IReadOnlyList<Ticket> tickets)
    {
        ArgumentNullException.ThrowIfNull(workers);
        ArgumentNullException.ThrowIfNull(tickets);
        var sb = new StringBuilder();
        sb.Append("# Orchestration status\n\n");
        var counts = tickets.GroupBy(t => t.Status).OrderBy(g => g.Key).Select(g => $"{g.Count()} {g.Key.ToText()}");
        sb.Append("Tickets: ").Append(tickets.Count == 0 ? "none" : string.Join(", ", counts)).Append("\n\n");
        sb.Append("## Workers\n\n| worker | agent | role | state | since | ticket | evidence |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        var byNumber = tickets.ToDictionary(t => t.Number);
        foreach (var w in workers.Where(w => w.State.IsLive()).OrderBy(w => w.Name, StringComparer.Ordinal))
        {
            var ticket = w.Ticket is { } n && byNumber.TryGetValue(n, out var t) ? $"{t.Id} {Cell(t.Title)}" : "-";
            sb.Append(CultureInfo.InvariantCulture, $"| {w.Name} | {w.Agent} | {w.Role ?? "-"} | {w.State.ToText()} | {w.StateSince.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z | {ticket} | {Cell(w.Evidence ?? "")} |\n");
        }

        sb.Append("\n## Tickets in flight\n\n| ticket | status | worker | branch | attempts |\n| --- | --- | --- | --- | --- |\n");
        foreach (var t in tickets.Where(t => t.Status is TicketStatus.InProgress or TicketStatus.Testing or TicketStatus.Review or TicketStatus.Queued))
        {
            sb.Append(CultureInfo.InvariantCulture, $"| {t.Id} {Cell(t.Title)} | {t.Status.ToText()} | {t.Assignee ?? "-"} | {t.Branch ?? "-"} | {t.Attempts} |\n");
        }

        return sb.ToString();
    }

    public static string Tasks(string feature, IReadOnlyList<Ticket> tickets)
    {
        ArgumentNullException.ThrowIfNull(tickets);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"# Tasks: {feature}\n\n");
        foreach (var t in tickets.OrderBy(t => t.Number))
        {
            var box = t.Status == TicketStatus.Done ? "x" : " ";
            var status = t.Status == TicketStatus.Done ? "" : $" ({t.Status.ToText()}{(t.Assignee is null ? "" : ", " + t.Assignee)})";
            var deps = t.DependsOn.Count == 0 ? "" : " — after " + string.Join(", ", t.DependsOn.Select(TicketId.Format));
            sb.Append(CultureInfo.InvariantCulture, $"- [{box}] {t.Id} {t.Title}{status}{deps}\n");
        }

        return sb.ToString();
    }

    private void WriteIfChanged(string file, string content)
    {
        if (_written.TryGetValue(file, out var last) ? last == content : _files.FileExists(file) && _files.ReadText(file) == content)
        {
            _written[file] = content;
            return;
        }

        _files.WriteText(file, content);
        _written[file] = content;
    }

    private static string Cell(string text) => text.Replace('|', '/').Replace('\n', ' ');
}
