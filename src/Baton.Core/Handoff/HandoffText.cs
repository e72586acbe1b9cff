using System.Globalization;
using System.Text;

namespace Baton.Core.Handoff;

/// <summary>The packet as the successor reads it after its ticket: short sections, most useful first. Pure.</summary>
public static class HandoffText
{
    public static string Render(HandoffPacket packet, string packetPath)
    {
        ArgumentNullException.ThrowIfNull(packet);
        var t = new StringBuilder();
        var fill = packet.ContextPercent is { } p ? $" at {p.ToString("0", CultureInfo.InvariantCulture)}% of its context" : "";
        t.Append(CultureInfo.InvariantCulture, $"# Handoff: you take {packet.Ticket} over from {packet.FromWorker} ({packet.FromAgent}){fill}\n");
        t.Append(CultureInfo.InvariantCulture, $"Reason: {packet.Reason}. You work in the same worktree and branch; uncommitted files are still in place. ");
        t.Append("Do not redo finished work: read what is below, check `git log` and `git status`, then continue with the next steps. ");
        t.Append(CultureInfo.InvariantCulture, $"The whole packet (JSON) is {packetPath}.\n");
        if (packet.Section is { } s)
        {
            t.Append("\n## From the previous agent\n");
            t.Append(CultureInfo.InvariantCulture, $"Goal: {s.Goal}\nProgress: {s.ProgressSummary}\n");
            if (!string.IsNullOrWhiteSpace(s.CurrentWork))
            {
                t.Append(CultureInfo.InvariantCulture, $"In the middle of: {s.CurrentWork}\n");
            }

            List(t, "Done", s.CompletedWork);
            List(t, "Decisions", s.Decisions);
            List(t, "Tried and rejected", s.RejectedApproaches);
            List(t, "Relevant files", s.RelevantFiles);
            List(t, "Tests", s.Tests.Select(x => $"{x.Name}: {x.Result}").ToList());
            List(t, "Blockers", s.Blockers);
            List(t, "Next steps", s.NextSteps);
        }
        else
        {
            t.Append("\n(The previous agent wrote no section; what follows is Baton's own record.)\n");
        }

        var r = packet.Record;
        t.Append("\n## Baton's record\n");
        t.Append("Branch ").Append(r.Branch).Append(" (into ").Append(r.Target).Append(')')
            .Append(r.WipRef is null ? "" : $"; uncommitted work also saved as {r.WipRef}").Append('\n');
        List(t, "Commits since the ticket began", r.Commits.Select(c => $"{c.Sha[..Math.Min(12, c.Sha.Length)]} {c.Subject}").ToList());
        List(t, "Diff stat", r.DiffStat.Select(d => $"{d.Path} +{Num(d.Added)} -{Num(d.Deleted)}").ToList());
        List(t, "Uncommitted", r.Uncommitted);
        List(t, "Gate runs", r.Gates.Select(g => $"{g.Status}" + (g.Passed is null ? "" : $" ({g.Passed} passed, {g.Failed} failed)") + (g.Status == "failed" && g.Output.Length > 0 ? ": " + g.Output.Trim() : "")).ToList());
        List(t, "Open questions", r.OpenQuestions);
        List(t, "The previous agent's last messages", r.LastMessages);
        return t.ToString();
    }

    private static string Num(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "bin";

    private static void List(StringBuilder t, string title, IReadOnlyList<string> items)
    {
        if (items.Count == 0)
        {
            return;
        }

        t.Append(title).Append(":\n");
        foreach (var item in items)
        {
            t.Append("- ").Append(item.Replace("\n", "\n  ", StringComparison.Ordinal)).Append('\n');
        }
    }
}
