using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Graph;
using Baton.Core.Storage;
using Baton.Core.Tickets;
using Baton.Core.Usage;
using Baton.Web;

namespace Baton.Cli.Commands;

/// <summary>The dashboard's views and worker actions (graph, usage, merges, gates, conflicts, nudge, approve), over the same services as their commands.</summary>
internal static partial class DashboardCommand
{
    internal sealed partial class Backend
    {
        public string TicketsJson(int limit) =>
            Safe(JsonSerializer.Serialize(_host.Tickets().List(new TicketQuery(), readyOnly: false, limit).Select(TicketJson.From).ToList(), CliJson.Readable.ListTicketJson));

        public string GraphJson(string? feature)
        {
            if (feature is not null && _host.TicketStore.GetFeature(feature) is null)
            {
                throw new DashboardNotFoundException($"unknown feature '{feature}' (see `baton status` for the features there are)");
            }

            var tickets = _host.TicketStore.ListTickets(new TicketQuery(Feature: feature));
            var graph = GraphBuilder.Build(tickets, _host.ConflictStore.ActiveConflicts());
            return Safe(JsonSerializer.Serialize(graph, ViewJson.Readable.TicketGraph));
        }

        public string UsageJson()
        {
            var report = UsageReport.From(_host.UsageStore.List(), null, null);
            var windows = _host.Config.Handoff.Windows;
            return Safe(JsonSerializer.Serialize(UsageCommand.ToJson(report, windows), CliJson.Readable.UsageJson));
        }

        public string MergesJson(int finished) =>
            Safe(JsonSerializer.Serialize(MergeCommand.Rows(_host, finished), CliJson.Readable.ListMergeRequestJson));

        public string NodesJson() =>
            Safe(JsonSerializer.Serialize(new Rendering.NodesJson(NodesCommand.Rows(_host.LeaseStore, _host.Time.GetUtcNow()), []), CliJson.Readable.NodesJson));

        public string GatesJson(string? ticket, int limit)
        {
            long? number = null;
            if (ticket is not null)
            {
                number = TicketId.Parse(ticket);
                if (_host.TicketStore.GetTicket(number.Value) is null)
                {
                    throw new DashboardNotFoundException($"unknown ticket {TicketId.Format(number.Value)}");
                }
            }

            var rows = _host.MergeStore.GateRuns(number, limit).Select(GateRunJson.From).ToList();
            return Safe(JsonSerializer.Serialize(rows, ViewJson.Readable.ListGateRunJson));
        }

        public string ConflictsJson()
        {
            // The branches' tickets as `baton conflicts` names them: the live ticket on that branch.
            var owners = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var t in _host.TicketStore.ListTickets(new TicketQuery()).Where(t => t.Branch is not null && !t.Status.IsFinished()).OrderBy(t => t.Number))
            {
                owners.TryAdd(t.Branch!, t.Id);
            }

            var rows = _host.ConflictStore.ActiveConflicts().Select(c => new StoredConflictJson(c.Id, c.Severity, c.BranchA, owners.GetValueOrDefault(c.BranchA),
                c.BranchB, owners.GetValueOrDefault(c.BranchB), c.Files, c.DetectedAt)).ToList();
            return Safe(JsonSerializer.Serialize(rows, ViewJson.Readable.ListStoredConflictJson));
        }

        public async Task<string> NudgeAsync(string worker, CancellationToken ct)
        {
            RequireWorker(worker);
            var outcome = await WorkerActionCommand.Actions(_host).NudgeAsync(WorkerActionCommand.Current(_host, worker), Actor, ct).ConfigureAwait(false);
            return Safe(JsonSerializer.Serialize(outcome, ViewJson.Readable.NudgeOutcome));
        }

        public async Task<string> ApproveAsync(string worker, CancellationToken ct)
        {
            RequireWorker(worker);
            var outcome = await WorkerActionCommand.Actions(_host).ApproveAsync(WorkerActionCommand.Current(_host, worker), Actor, ct).ConfigureAwait(false);
            return Safe(JsonSerializer.Serialize(outcome, ViewJson.Readable.ApproveOutcome));
        }
    }
}
