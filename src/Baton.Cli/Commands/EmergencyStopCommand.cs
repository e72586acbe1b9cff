using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Cli.Commands;

/// <summary>
/// `baton emergency-stop [--keep-work]`: the loop and every agent stopped now, every worktree's
/// uncommitted work saved first, and a report of what was done. Files are never removed.
/// </summary>
internal static class EmergencyStopCommand
{
    public static Command Create()
    {
        var keep = new Option<bool>("--keep-work") { Description = "Leave the tickets in progress with their agent's worktree as they are (the next `baton up` retries them there); default: back to open" };
        var command = new Command("emergency-stop", "Stop the loop and every agent now, save all uncommitted work as refs/baton/wip snapshots, and report")
        {
            keep, CommandRunner.Json,
        };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var problems = new List<string>();
            var store = host.TicketStore;
            var active = store.ListTickets(new TicketQuery()).Where(t => t.Status is TicketStatus.InProgress or TicketStatus.Testing or TicketStatus.Review).ToList();
            var worktrees = new Baton.Core.Dispatch.TicketWorktrees(new Baton.Core.Git.LockedWorktrees(host.Git), host.Git, host.Git, host.Store, host.Time, host.Paths.Root, host.Files);

            // 1. No loop to start new agents or react to the ones ending below.
            int? loop = null;
            try
            {
                loop = await host.AutopilotControlForStop().StopAsync(ct).ConfigureAwait(false);
            }
            catch (BatonException e)
            {
                problems.Add("the loop: " + e.Message);
            }

            // 2. Every agent ended (kill-all's way), 3. then every worktree's work saved: nothing is
            // written into a worktree once its agent is gone.
            var killed = new List<string>();
            try
            {
                killed.AddRange((await host.WorkerService("cli").KillAllAsync(ct).ConfigureAwait(false)).Select(k => k.Worker));
            }
            catch (BatonException e)
            {
                problems.Add("the agents: " + e.Message);
            }

            var snapshots = new List<SnapshotJson>();
            foreach (var t in active)
            {
                try
                {
                    if (worktrees.Snapshot(store.GetTicket(t.Number) ?? t, "emergency-stop") is { } wip)
                    {
                        snapshots.Add(new SnapshotJson(t.Id, t.Worktree!, wip));
                    }
                }
                catch (BatonException e)
                {
                    problems.Add($"{t.Id}: its work could not be saved ({e.Message}); its files are still in {t.Worktree}");
                }
            }

            // 4. Unless --keep-work: in-progress tickets go back to open, their branch and worktree kept.
            var reopened = new List<string>();
            if (!parse.GetValue(keep))
            {
                var tickets = host.Tickets();
                foreach (var t in active.Where(t => t.Status == TicketStatus.InProgress))
                {
                    try
                    {
                        tickets.Update(t.Id, new UpdateTicketRequest { Status = "open", Note = "stopped by baton emergency-stop; its work is on its branch and in refs/baton/wip" });
                        reopened.Add(t.Id);
                    }
                    catch (BatonException e)
                    {
                        problems.Add($"{t.Id}: not reopened ({e.Message})");
                    }
                }
            }

            host.Store.AppendEvent(new Baton.Core.Events.EventRecord
            {
                Time = host.Time.GetUtcNow(),
                Type = Baton.Core.Events.EventTypes.EmergencyStop,
                Message = $"emergency stop: loop {(loop is { } p ? $"(pid {p}) stopped" : "not running")}, {killed.Count} agents ended, {snapshots.Count} worktrees saved, {reopened.Count} tickets reopened{(problems.Count == 0 ? "" : $", {problems.Count} problems")}",
                Metadata = new Dictionary<string, string>(StringComparer.Ordinal) { ["by"] = "cli", ["keep_work"] = parse.GetValue(keep) ? "true" : "false" },
            });

            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new EmergencyStopJson(loop, killed, snapshots, reopened, problems), CliJson.Readable.EmergencyStopJson));
                return problems.Count == 0 ? 0 : 1;
            }

            host.Out.WriteLine(loop is { } pid ? $"loop stopped (pid {pid})" : "no loop was running");
            host.Out.WriteLine(killed.Count == 0 ? "no agents were running" : $"ended {killed.Count} agent{(killed.Count == 1 ? "" : "s")}: {string.Join(", ", killed)}");
            foreach (var s in snapshots)
            {
                host.Out.WriteLine($"saved {s.Ticket}'s uncommitted work in {s.Worktree} as {s.Ref} (`baton wip restore {s.Ref}`)");
            }

            if (reopened.Count > 0)
            {
                host.Out.WriteLine($"back to open: {string.Join(", ", reopened)} (their branches and worktrees are kept; `baton up` starts them again)");
            }

            foreach (var problem in problems)
            {
                await host.Error.WriteLineAsync("baton: " + problem).ConfigureAwait(false);
            }

            return problems.Count == 0 ? 0 : 1;
        });
        return command;
    }
}
