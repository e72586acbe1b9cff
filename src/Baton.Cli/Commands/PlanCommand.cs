using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core.Planning;

namespace Baton.Cli.Commands;

/// <summary>`baton plan "REQUEST"`: a planning agent's ticket graph, checked (one repair round), shown and filed.</summary>
internal static class PlanCommand
{
    public static Command Create()
    {
        var request = new Argument<string>("request") { Description = "The work to plan, in your words" };
        var feature = new Option<string?>("--feature") { Description = "File the tickets in this feature (it must exist)" };
        var dryRun = new Option<bool>("--dry-run") { Description = "Check and show the plan; file nothing" };
        var agent = new Option<string?>("--agent") { Description = "The agent profile that plans (default: the planner role's, then config's)" };
        var timeout = new Option<int>("--timeout") { Description = "Minutes the agent may take per round", DefaultValueFactory = _ => 15 };
        var command = new Command("plan", "Ask a planning agent for a ticket graph, check it (cycles, unknown references, file overlap), show it and file it")
        {
            request, feature, dryRun, agent, timeout, CommandRunner.Json,
        };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var minutes = parse.GetValue(timeout);
            if (minutes is < 1 or > 240)
            {
                throw Baton.Core.BatonException.Usage($"--timeout must be between 1 and 240 minutes, not {minutes}");
            }

            var outcome = await host.Plans().PlanAsync(new PlanRequest
            {
                Request = parse.GetValue(request) ?? "",
                Feature = parse.GetValue(feature),
                DryRun = parse.GetValue(dryRun),
                Agent = parse.GetValue(agent),
                Timeout = TimeSpan.FromMinutes(minutes),
            }, new LineProgress(host.Error), ct).ConfigureAwait(false);

            if (parse.GetValue(CommandRunner.Json))
            {
                await host.Out.WriteLineAsync(JsonSerializer.Serialize(PlanJson.From(outcome), PlanJsonContext.Readable.PlanJson)).ConfigureAwait(false);
            }
            else
            {
                Render(host.Out, outcome);
            }

            if (!outcome.Valid)
            {
                await host.Error.WriteLineAsync($"baton: the plan is still invalid after {outcome.Rounds.Count} round{(outcome.Rounds.Count == 1 ? "" : "s")} ({outcome.Errors.Count} error{(outcome.Errors.Count == 1 ? "" : "s")}); nothing was filed").ConfigureAwait(false);
                return 1;
            }

            return 0;
        });
        return command;
    }

    private static void Render(TextWriter o, PlanOutcome outcome)
    {
        foreach (var round in outcome.Rounds.Where(r => r.Errors.Count > 0 && (r.Number < outcome.Rounds.Count || outcome.Valid)))
        {
            o.WriteLine($"round {round.Number} ({round.Worker}): {round.Errors.Count} error{(round.Errors.Count == 1 ? "" : "s")}, sent back for repair:");
            foreach (var e in round.Errors)
            {
                o.WriteLine("  " + e);
            }

            o.WriteLine();
        }

        if (!outcome.Valid)
        {
            o.WriteLine($"The plan is invalid ({outcome.Errors.Count} error{(outcome.Errors.Count == 1 ? "" : "s")} after the repair round):");
            foreach (var e in outcome.Errors)
            {
                o.WriteLine("  " + e);
            }

            return;
        }

        var graph = outcome.Graph!;
        var ids = graph.Tickets.Select((t, i) => (t.Key, Id: outcome.Filed.Count > i ? outcome.Filed[i].Id : null)).ToDictionary(x => x.Key, x => x.Id, StringComparer.Ordinal);
        var byKey = graph.Tickets.ToDictionary(t => t.Key, StringComparer.Ordinal);
        var width = graph.Tickets.Max(t => t.Key.Length);
        o.WriteLine(outcome.DryRun
            ? $"Plan (dry run, nothing filed): {Count(graph.Tickets.Count, "ticket")} in {Count(outcome.Layers.Count, "layer")}"
            : $"Plan filed: {Count(graph.Tickets.Count, "ticket")} in {Count(outcome.Layers.Count, "layer")}");
        if (graph.Summary is { Length: > 0 } summary)
        {
            o.WriteLine(summary.Trim());
        }

        for (var l = 0; l < outcome.Layers.Count; l++)
        {
            o.WriteLine();
            o.WriteLine(string.Create(CultureInfo.InvariantCulture, $"layer {l + 1}{(outcome.Layers[l].Count > 1 ? " (in parallel)" : "")}"));
            foreach (var key in outcome.Layers[l])
            {
                var t = byKey[key];
                var id = ids[key] is { } filed ? filed.PadRight(6) + " " : "";
                o.WriteLine($"  {id}{key.PadRight(width)}  {t.Title}");
                var after = t.DependsOn.Select(d => ids.TryGetValue(d, out var i) && i is not null ? $"{d} ({i})" : d).ToList();
                if (after.Count > 0)
                {
                    o.WriteLine($"  {new string(' ', id.Length + width)}  after: {string.Join(", ", after)}");
                }

                if (t.Paths.Count > 0)
                {
                    o.WriteLine($"  {new string(' ', id.Length + width)}  paths: {string.Join(", ", t.Paths)}");
                }
            }
        }
    }

    private static string Count(int n, string what) => n.ToString(CultureInfo.InvariantCulture) + " " + what + (n == 1 ? "" : "s");
}
