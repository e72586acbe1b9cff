using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core.Conflicts;
using Spectre.Console;

namespace Baton.Cli.Commands;

/// <summary>`baton conflicts`: predicts the merges between live branches now, records what changed, and exits 1 when any would conflict.</summary>
internal static class ConflictsCommand
{
    public static Command Create()
    {
        var feature = new Option<string?>("--feature") { Description = "Only this feature's tickets and branches" };
        var branches = new Option<string[]>("--branch")
        {
            Description = "Also check local branches matching this pattern (e.g. 'release/*'), against the base branch; repeatable",
            AllowMultipleArgumentsPerToken = false,
        };
        var against = new Option<string?>("--against") { Description = "The branch --branch's branches would merge into (default: the base branch), e.g. a feature's overseer branch" };
        var quiet = new Option<bool>("--no-notify") { Description = "Do not tell the agents involved in new conflicts" };
        var command = new Command("conflicts", "Predict merge conflicts between live branches (git merge-tree, no checkout touched); exit 1 when there are any")
        {
            feature, branches, against, quiet, CommandRunner.Json,
        };
        command.Subcommands.Add(ConflictLogCommands.Log());
        command.Subcommands.Add(ConflictLogCommands.Resolve());
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var service = host.Conflicts();
            var scope = parse.GetValue(feature);
            var globs = parse.GetValue(branches) ?? [];
            if (scope is not null && host.TicketStore.GetFeature(scope) is null)
            {
                throw Baton.Core.BatonException.Usage($"unknown feature '{scope}' (see `baton status` for the features there are)");
            }

            var into = parse.GetValue(against);
            if (into is not null && host.Git.Resolve(host.Paths.Root, "refs/heads/" + into) is null)
            {
                throw Baton.Core.BatonException.Usage($"--against: no branch '{into}' (`git branch --list` shows the branches there are)");
            }

            if (into is not null && globs.Length == 0)
            {
                throw Baton.Core.BatonException.Usage("--against says what --branch's branches merge into: give --branch too");
            }

            var live = service.LiveBranches(scope, globs, against: into);
            var scan = host.ConflictScanner().Scan(host.Paths.Root, live);
            var delta = service.Record(scan, complete: scope is null && globs.Length == 0, host.Time.GetUtcNow());
            var notices = parse.GetValue(quiet) ? [] : ConflictService.Notices(delta, scan);
            if (notices.Count > 0)
            {
                var workers = new Baton.Core.Workers.WorkerService(host.Workers());
                foreach (var (worker, message) in notices)
                {
                    try
                    {
                        await workers.SendAsync(worker, message, ct).ConfigureAwait(false);
                    }
                    catch (Baton.Core.BatonException e)
                    {
                        await host.Error.WriteLineAsync($"baton: could not tell {worker}: {e.Message}").ConfigureAwait(false);
                    }
                }
            }

            var owners = scan.Branches.ToDictionary(b => b.Name, StringComparer.Ordinal);
            var active = host.ConflictStore.ActiveConflicts();
            var ids = active.Where(c => c.Source == StoredConflict.Predicted).ToDictionary(c => c.Key, c => c.Label, StringComparer.Ordinal);
            var logged = active.Where(c => c.Source == StoredConflict.Manual && (scope is null || c.Feature == scope)).ToList();
            var exit = scan.Conflicts.Count > 0 || logged.Count > 0 ? 1 : 0;
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new ConflictsJson(
                    scan.Branches.Select(b => new LiveBranchJson(b.Name, b.Target, b.Ticket, b.Feature)).ToList(),
                    scan.Missing,
                    scan.Pairs,
                    scan.Skipped,
                    scan.MergeTrees,
                    (long)scan.Elapsed.TotalMilliseconds,
                    scan.Conflicts.Select(c => new ConflictJson(c.Severity, c.BranchA, Ticket(owners, c.BranchA), c.BranchB, Ticket(owners, c.BranchB), c.Files, ids.GetValueOrDefault(c.Key))).ToList(),
                    delta.Added.Count,
                    delta.Resolved.Count,
                    scan.SuggestedOrder,
                    logged.Select(LoggedConflictJson.From).ToList()), CliJson.Readable.ConflictsJson));
                return exit;
            }

            Render(host, scan, delta, owners, ids);
            RenderLogged(host, logged);
            return exit;
        });
        return command;
    }

    private static string? Ticket(IReadOnlyDictionary<string, LiveBranch> owners, string branch) =>
        owners.TryGetValue(branch, out var b) ? b.Ticket : null;

    private static void RenderLogged(CliHost host, IReadOnlyList<StoredConflict> logged)
    {
        foreach (var c in logged)
        {
            var where = c.BranchB.Length == 0 ? c.BranchA : $"{c.BranchA} <-> {c.BranchB}";
            host.Out.WriteLine($"{c.Label} logged by hand ({c.Severity}) in {c.Feature}: {where}: {string.Join(", ", c.Files)}" + (c.Note is null ? "" : " (" + c.Note + ")"));
        }

        if (logged.Count > 0)
        {
            host.Out.WriteLine($"`baton conflicts resolve C-n --note \"...\"` once one is settled.");
        }
    }

    private static void Render(CliHost host, ConflictScan scan, ConflictDelta delta, IReadOnlyDictionary<string, LiveBranch> owners, IReadOnlyDictionary<string, string> ids)
    {
        foreach (var missing in scan.Missing)
        {
            host.Console.MarkupLine($"[yellow]branch {Markup.Escape(missing)} no longer exists: left out[/]");
        }

        var seconds = scan.Elapsed.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture);
        host.Out.WriteLine($"{scan.Branches.Count} live branches, {scan.Pairs} pairs: {scan.Skipped} cannot conflict (no file changed on both sides), {scan.MergeTrees} predicted with git merge-tree, in {seconds} s.");
        if (scan.Conflicts.Count == 0)
        {
            host.Console.MarkupLine("[green]No conflicts predicted.[/]" + (delta.Resolved.Count > 0 ? $" {delta.Resolved.Count} earlier conflict(s) resolved." : ""));
            return;
        }

        var table = new Table().Border(TableBorder.Simple);
        table.AddColumns("ID", "SEVERITY", "BRANCH", "WITH", "FILES");
        foreach (var c in scan.Conflicts)
        {
            var colour = c.Severity == PredictedConflict.Critical ? "red" : "yellow";
            table.AddRow(ids.GetValueOrDefault(c.Key) ?? "", $"[{colour}]{c.Severity}[/]", Markup.Escape(Name(owners, c.BranchA)), Markup.Escape(Name(owners, c.BranchB)), Markup.Escape(string.Join(", ", c.Files)));
        }

        host.Console.Write(table);
        host.Out.WriteLine($"{scan.Conflicts.Count} predicted conflict(s), {delta.Added.Count} new, {delta.Resolved.Count} resolved since the last check.");
        if (scan.SuggestedOrder.Count > 1)
        {
            host.Out.WriteLine("Suggested merge order (fewest branches to rework): " + string.Join(" -> ", scan.SuggestedOrder.Select(b => Name(owners, b))));
        }
    }

    private static string Name(IReadOnlyDictionary<string, LiveBranch> owners, string branch) =>
        owners.TryGetValue(branch, out var b) && b.Ticket is not null ? $"{b.Ticket} {branch}" : branch;
}
