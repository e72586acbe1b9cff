using System.Globalization;
using System.Text;
using Baton.Core.Tickets;

namespace Baton.Core.Synthesis;

/// <summary>What the reviewing agent reads: every ticket's summary, artifacts, note, gate results and diff (stat and bounded patch).</summary>
public static class SynthesisPrompt
{
    public static string Build(IReadOnlyList<TicketDossier> dossiers, string? focus)
    {
        ArgumentNullException.ThrowIfNull(dossiers);
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"Review these {dossiers.Count} finished tickets together: {string.Join(", ", dossiers.Select(d => d.Ticket.Id))}.\n");
        foreach (var d in dossiers)
        {
            var t = d.Ticket;
            sb.Append(CultureInfo.InvariantCulture, $"\n## {t.Id}: {t.Title}\n");
            sb.Append(CultureInfo.InvariantCulture, $"Status: {t.Status.ToText()}{(t.Feature is null ? "" : "; feature " + t.Feature)}{(t.Branch is null ? "" : "; branch " + t.Branch)}\n");
            sb.Append("Summary: ").Append(Quote(t.Summary)).Append('\n');
            if (t.Note is { Length: > 0 } note)
            {
                sb.Append("Last note: ").Append(Quote(note)).Append('\n');
            }

            sb.Append("Artifacts: ").Append(t.Artifacts.Count == 0 ? "none" : string.Join(", ", t.Artifacts)).Append('\n');
            if (d.Gates.Count == 0)
            {
                sb.Append("Gate: no gate run recorded\n");
            }

            foreach (var g in d.Gates)
            {
                sb.Append(CultureInfo.InvariantCulture, $"Gate run {g.StartedAt:yyyy-MM-dd HH:mm}: {g.Status} (passed {N(g.Passed)}, failed {N(g.Failed)}, skipped {N(g.Skipped)})\n");
                if (g.Output.Trim().Length > 0)
                {
                    sb.Append("    ").Append(g.Output.Trim().Replace("\n", "\n    ", StringComparison.Ordinal)).Append('\n');
                }
            }

            if (d.Diff is { } diff)
            {
                sb.Append("Diff: ").Append(d.DiffSource).Append('\n');
                foreach (var s in diff.Stat)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"    {s.Path} +{N(s.Added)} -{N(s.Deleted)}\n");
                }

                // Indented, so nothing in a patch reads as a line of its own to the agent.
                sb.Append("    ```diff\n    ").Append(diff.Text.TrimEnd().Replace("\n", "\n    ", StringComparison.Ordinal)).Append("\n    ```\n");
                if (diff.Truncated)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"    (patch cut at {diff.Text.Length} of {diff.FullLength} characters: read the rest with git if it matters)\n");
                }
            }
            else
            {
                sb.Append("Diff: ").Append(d.NoDiff).Append('\n');
            }
        }

        sb.Append("\n---\nReport in Markdown with the sections ## Summary, ## Conflicts, ## Gaps and ## Follow-up tickets (one \"- TITLE: why\" per ticket); \"None.\" under an empty section. Change nothing: Baton stores the report.\n");
        if (focus is { Length: > 0 })
        {
            sb.Append("Focus: ").Append(focus.Trim()).Append('\n');
        }

        return sb.ToString();
    }

    private static string Quote(string? text) => string.IsNullOrWhiteSpace(text) ? "(none)" : text.Trim().Replace("\n", "\n    ", StringComparison.Ordinal);

    private static string N(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "?";
}
