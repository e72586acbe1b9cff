using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Workspace;

namespace Baton.Cli.Commands;

/// <summary>`baton gc`: the workspace clean-up now (what `baton up` also runs on workspace.cleanup_every).</summary>
internal static class GcCommand
{
    public static Command Create()
    {
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only say what would be removed" };
        var olderThan = new Option<string?>("--older-than") { Description = "Age past which things go (default: workspace.cleanup_after, 24h), e.g. 2h, 7d" };
        var command = new Command("gc", "Remove stale worktrees (uncommitted work saved first), merged or closed branches, ended agents' sessions and old logs; never a live ticket's")
        {
            dryRun, olderThan, CommandRunner.Json,
        };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var age = host.Config.CleanupAfter;
            if (parse.GetValue(olderThan) is { } text)
            {
                age = Durations.Parse(text, bareSeconds: false) ?? throw BatonException.Usage($"invalid --older-than '{text}': write a duration such as 30m, 24h or 7d");
            }

            var items = Cleanup(host).Run(age, parse.GetValue(dryRun));
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new GcJson(parse.GetValue(dryRun), Durations.Format(age),
                    items.Select(i => new GcItemJson(i.Kind, i.Target, i.Reason, i.Removed, i.Ticket, i.WipRef, i.Kept)).ToList()), CliJson.Readable.GcJson));
                return Task.FromResult(0);
            }

            foreach (var i in items)
            {
                var verb = i.Removed ? "removed" : i.Kept == "dry run" ? "would remove" : "kept";
                host.Out.WriteLine($"{verb,-12} {i.Kind,-8} {i.Target}  ({i.Reason}{(i.WipRef is null ? "" : $"; uncommitted work saved as {i.WipRef}")}{(i.Kept is null or "dry run" ? "" : "; " + i.Kept)})");
            }

            host.Out.WriteLine(items.Count == 0 ? $"nothing older than {Durations.Format(age)} to clean up" : WorkspaceCleanup.Summary(items));
            return Task.FromResult(0);
        });
        return command;
    }

    /// <summary>The clean-up over this repository's store, git and tmux (the loop builds the same from its context).</summary>
    public static WorkspaceCleanup Cleanup(Host.CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var worktrees = new Baton.Core.Git.LockedWorktrees(host.Git);
        var ticketWorktrees = new Baton.Core.Dispatch.TicketWorktrees(worktrees, host.Git, host.Git, host.Store, host.Time, host.Paths.Root, host.Files);
        return new WorkspaceCleanup(host.TicketStore, host.Store, host.MergeStore, worktrees, host.Git, host.Git, host.Git, ticketWorktrees,
            host.Tmux(host.Config.TmuxSocket), host.Files, host.WorkPaths, host.Config.SessionPrefix, host.Time);
    }
}
