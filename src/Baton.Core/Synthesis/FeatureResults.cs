using System.Globalization;
using System.Text;
using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Core.Synthesis;

/// <summary>
/// <c>.baton/features/NAME/RESULT.md</c> (beside its tasks.md): written by the autopilot when the
/// last of a feature's tickets lands, i.e. every ticket of the feature is finished and at least one
/// is done. It puts the tickets side by side: summaries, artifacts, gates, files changed (and which
/// of them several tickets changed), what was not delivered, and the synthesis reports made of them.
/// Rewritten when the set of tickets or their states change (a ticket reopened and landed again);
/// the first line after the title records that set, so a restarted loop does not write it again.
/// </summary>
public sealed class FeatureResults
{
    public const string FileName = "RESULT.md";
    private const string Marker = "<!-- baton feature result: ";

    private readonly ITicketStore _tickets;
    private readonly IStore _store;
    private readonly DossierBuilder? _dossiers;
    private readonly IFiles _files;
    private readonly BatonPaths _paths;
    private readonly TimeProvider _time;

    // Feature -> the ticket states its RESULT.md was written for; owned by the loop thread.
    private readonly Dictionary<string, string> _written = new(StringComparer.Ordinal);

    /// <param name="dossiers">Where the diffs come from; null: RESULT.md lists no changed files.</param>
    public FeatureResults(ITicketStore tickets, IStore store, DossierBuilder? dossiers, IFiles files, BatonPaths paths, TimeProvider time)
    {
        _tickets = tickets;
        _store = store;
        _dossiers = dossiers;
        _files = files;
        _paths = paths;
        _time = time;
    }

    public string FileOf(string feature) => Path.Combine(_paths.BatonDir, "features", feature, FileName);

    /// <summary>Writes the RESULT.md of every feature whose last ticket has landed since it was last written.</summary>
    public void Step(IReadOnlyList<Ticket> all, TickReport report)
    {
        ArgumentNullException.ThrowIfNull(all);
        ArgumentNullException.ThrowIfNull(report);
        foreach (var group in all.Where(t => t.Feature is not null).GroupBy(t => t.Feature!))
        {
            var tickets = group.OrderBy(t => t.Number).ToList();
            if (!tickets.All(t => t.Status.IsFinished()) || !tickets.Any(t => t.Status == TicketStatus.Done))
            {
                continue;
            }

            var signature = string.Join(",", tickets.Select(t => $"{t.Id}:{t.Status.ToText()}"));
            if (_written.TryGetValue(group.Key, out var done) && done == signature)
            {
                continue;
            }

            var file = FileOf(group.Key);
            if (_files.FileExists(file) && _files.ReadText(file).Contains(Marker + signature + " -->", StringComparison.Ordinal))
            {
                _written[group.Key] = signature;
                continue;
            }

            var feature = _tickets.GetFeature(group.Key);
            var dossiers = _dossiers?.Build(tickets, 0) ?? tickets.Select(t => new TicketDossier(t, [], null, null, null)).ToList();
            var reviews = _store.RecentEvents(new EventQuery(500, Type: EventTypes.SynthesisWritten))
                .Where(e => e.Metadata is { } m && m.TryGetValue("tickets", out var ids) && ids.Split(',').Any(id => tickets.Any(t => t.Id == id)))
                .Select(e => (e.Metadata!["report"], e.Metadata["tickets"]))
                .ToList();
            var now = _time.GetUtcNow();
            _files.WriteText(file, Render(group.Key, feature?.Title, signature, dossiers, reviews, now));
            _written[group.Key] = signature;
            var relative = Path.GetRelativePath(_paths.Root, file);
            _store.AppendEvent(new EventRecord
            {
                Time = now,
                Type = EventTypes.FeatureResultWritten,
                Feature = group.Key,
                Message = $"feature {group.Key}: its last ticket landed; {relative} written ({tickets.Count(t => t.Status == TicketStatus.Done)} of {tickets.Count} tickets done)",
                Metadata = new Dictionary<string, string> { ["file"] = relative, ["tickets"] = string.Join(",", tickets.Select(t => t.Id)) },
            });
            report.Add("feature_result", null, null, $"feature {group.Key} finished: {relative} written", new Dictionary<string, string> { ["feature"] = group.Key, ["file"] = relative });
        }
    }

    /// <summary>The RESULT.md text (pure).</summary>
    public static string Render(string feature, string? title, string signature, IReadOnlyList<TicketDossier> dossiers, IReadOnlyList<(string Report, string Tickets)> reviews, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(dossiers);
        ArgumentNullException.ThrowIfNull(reviews);
        var sb = new StringBuilder();
        var tickets = dossiers.Select(d => d.Ticket).ToList();
        sb.Append(CultureInfo.InvariantCulture, $"# Result: {title ?? feature} ({feature})\n{Marker}{signature} -->\n\n");
        sb.Append(CultureInfo.InvariantCulture, $"Its last ticket landed at {now.UtcDateTime:yyyy-MM-dd HH:mm}Z: {Count(tickets, TicketStatus.Done)} done, {Count(tickets, TicketStatus.Failed)} failed, {Count(tickets, TicketStatus.Cancelled)} cancelled, of {tickets.Count}.\n");
        sb.Append("\n## Tickets\n");
        var touched = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var d in dossiers)
        {
            var t = d.Ticket;
            sb.Append(CultureInfo.InvariantCulture, $"\n### {t.Id}: {t.Title} ({t.Status.ToText()})\n\n");
            sb.Append(string.IsNullOrWhiteSpace(t.Summary) ? "No summary." : t.Summary.Trim()).Append('\n');
            if (t.Artifacts.Count > 0)
            {
                sb.Append("\nArtifacts: ").Append(string.Join(", ", t.Artifacts)).Append('\n');
            }

            if (d.Gates.FirstOrDefault() is { } gate)
            {
                sb.Append(CultureInfo.InvariantCulture, $"\nGate: {gate.Status} ({gate.Passed?.ToString(CultureInfo.InvariantCulture) ?? "?"} passed, {gate.Failed?.ToString(CultureInfo.InvariantCulture) ?? "?"} failed)\n");
            }

            if (d.Diff is { Stat.Count: > 0 } diff)
            {
                sb.Append("\nChanged: ").Append(string.Join(", ", diff.Stat.Select(s => $"{s.Path} (+{s.Added?.ToString(CultureInfo.InvariantCulture) ?? "?"} -{s.Deleted?.ToString(CultureInfo.InvariantCulture) ?? "?"})"))).Append('\n');
                foreach (var s in diff.Stat)
                {
                    (touched.TryGetValue(s.Path, out var list) ? list : touched[s.Path] = []).Add(t.Id);
                }
            }
        }

        sb.Append("\n## Files changed by more than one ticket\n\n");
        var shared = touched.Where(kv => kv.Value.Count > 1).ToList();
        sb.Append(shared.Count == 0 ? "None.\n" : string.Concat(shared.Select(kv => $"- {kv.Key}: {string.Join(", ", kv.Value)} (review them together)\n")));
        sb.Append("\n## Not delivered\n\n");
        var missing = tickets.Where(t => t.Status != TicketStatus.Done).ToList();
        sb.Append(missing.Count == 0 ? "None.\n" : string.Concat(missing.Select(t => $"- {t.Id} ({t.Status.ToText()}): {t.Title}{(t.Note is { Length: > 0 } n ? " — " + n.Trim().Split('\n')[0] : "")}\n")));
        sb.Append("\n## Reviews\n\n");
        sb.Append(reviews.Count == 0
            ? "None yet: `baton synthesize " + string.Join(" ", tickets.Where(t => t.Status == TicketStatus.Done).Select(t => t.Id)) + "` asks an agent to review them together.\n"
            : string.Concat(reviews.Select(r => $"- {r.Report} ({r.Tickets.Replace(",", ", ", StringComparison.Ordinal)})\n")));
        return sb.ToString();
    }

    private static int Count(IReadOnlyList<Ticket> tickets, TicketStatus status) => tickets.Count(t => t.Status == status);
}
