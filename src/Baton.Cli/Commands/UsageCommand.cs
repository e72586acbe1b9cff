using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Tickets;
using Baton.Core.Usage;

namespace Baton.Cli.Commands;

/// <summary>`baton usage [--ticket T-n] [--worker W] [--json]`: tokens, cost, cache hit rate and context fill per worker, per ticket and in total.</summary>
internal static class UsageCommand
{
    public static Command Create()
    {
        var ticket = new Option<string?>("--ticket", "-t") { Description = "Only this ticket's workers (T-n)" };
        var worker = new Option<string?>("--worker", "-w") { Description = "Only this worker" };
        var command = new Command("usage", "Tokens, cost, cache hit rate and context fill per worker, per ticket and in total") { ticket, worker, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var number = parse.GetValue(ticket) is { } t ? TicketId.Parse(t) : (long?)null;
            if (number is { } n && host.TicketStore.GetTicket(n) is null)
            {
                throw BatonException.Usage($"unknown ticket {TicketId.Format(n)}: `baton ticket list` shows the tickets");
            }

            var name = parse.GetValue(worker);
            if (name is not null && host.Store.GetWorker(name) is null)
            {
                throw BatonException.Usage($"unknown worker '{name}': `baton list` shows the workers Baton knows");
            }

            var report = UsageReport.From(host.UsageStore.List(), number, name);
            var windows = host.Config.Handoff.Windows;
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(ToJson(report, windows), CliJson.Readable.UsageJson));
                return Task.FromResult(0);
            }

            host.Out.WriteLine($"{"WORKER",-18} {"AGENT",-10} {"VERSION",-9} {"TICKET",-7} {"INPUT",9} {"OUTPUT",9} {"CACHE W",9} {"CACHE R",9} {"HIT",5} {"COST $",9} CONTEXT");
            foreach (var line in report.Workers)
            {
                host.Out.WriteLine($"{line.Key,-18} {line.Agent ?? "",-10} {line.AgentVersion ?? "unknown",-9} {line.Ticket ?? "-",-7} {Figures(line, windows)}");
            }

            if (report.Tickets.Count > 0)
            {
                host.Out.WriteLine();
                host.Out.WriteLine($"{"TICKET",-18} {"RUNS",-10} {"",-9} {"",-7} {"INPUT",9} {"OUTPUT",9} {"CACHE W",9} {"CACHE R",9} {"HIT",5} {"COST $",9} CONTEXT");
                foreach (var line in report.Tickets)
                {
                    host.Out.WriteLine($"{line.Key,-18} {line.Runs,-10} {"",-9} {"",-7} {Figures(line, windows)}");
                }
            }

            if (report.Profiles.Count > 1)
            {
                // Cost beside cache hit rate per profile: a low hit rate is what makes a profile dear.
                host.Out.WriteLine();
                host.Out.WriteLine($"{"PROFILE",-18} {"RUNS",-10} {"",-9} {"",-7} {"INPUT",9} {"OUTPUT",9} {"CACHE W",9} {"CACHE R",9} {"HIT",5} {"COST $",9} CONTEXT");
                foreach (var line in report.Profiles)
                {
                    host.Out.WriteLine($"{line.Key,-18} {line.Runs,-10} {"",-9} {"",-7} {Figures(line, windows)}");
                }
            }

            host.Out.WriteLine();
            host.Out.WriteLine($"{"total",-18} {report.Total.Runs + " runs",-10} {"",-9} {"",-7} {Figures(report.Total, windows)}");
            return Task.FromResult(0);
        });
        return command;
    }

    private static string Figures(UsageLine l, IReadOnlyDictionary<string, long> windows)
    {
        var t = l.Tokens;
        var hit = t.CacheHitRate is { } h ? h.ToString("P0", CultureInfo.InvariantCulture) : "-";
        var cost = t.CostUsd is { } c ? c.ToString("0.0000", CultureInfo.InvariantCulture) : "-";
        // Measured against the effective window (what the agent can fill before its CLI compacts).
        var gauge = ContextGauge.Of(l.Agent, l.Context, windows);
        var context = gauge is null ? "-"
            : gauge.Tokens.ToString(CultureInfo.InvariantCulture) + (gauge.EffectiveWindow is { } w ? $"/{w.ToString(CultureInfo.InvariantCulture)} ({WorkerRows.Percent(gauge)})" : "");
        return $"{t.Input,9} {t.Output,9} {t.CacheCreation,9} {t.CacheRead,9} {hit,5} {cost,9} {context}";
    }

    internal static UsageLineJson Json(UsageLine l, IReadOnlyDictionary<string, long> windows) => new(
        l.Key, l.Agent, l.Ticket, l.AgentVersion, l.Model, l.Runs,
        l.Tokens.Input, l.Tokens.Output, l.Tokens.CacheCreation, l.Tokens.CacheRead,
        l.Tokens.CacheHitRate is { } h ? Math.Round(h, 4) : null, l.Tokens.CostUsd,
        l.Context?.Tokens, l.Context?.Window, l.Context?.Fraction is { } f ? Math.Round(f, 4) : null,
        ContextGauge.Of(l.Agent, l.Context, windows)?.EffectiveWindow, ContextGauge.Of(l.Agent, l.Context, windows)?.Percent);

    /// <summary>The report as `usage --json` prints it and the dashboard serves it (GET /api/usage).</summary>
    internal static UsageJson ToJson(UsageReport report, IReadOnlyDictionary<string, long> windows) =>
        new(report.Workers.Select(l => Json(l, windows)).ToList(), report.Tickets.Select(l => Json(l, windows)).ToList(), Json(report.Total, windows),
            report.Profiles.Select(l => Json(l, windows)).ToList());
}
