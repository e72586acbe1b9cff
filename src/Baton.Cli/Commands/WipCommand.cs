using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Tickets;

namespace Baton.Cli.Commands;

/// <summary>`baton wip list|restore`: the snapshot commits Baton saved before removing or stopping a worktree with uncommitted changes.</summary>
internal static class WipCommand
{
    private const string Prefix = "refs/baton/wip/";

    public static Command Create()
    {
        var wip = new Command("wip", "Work-in-progress snapshots of uncommitted changes (refs/baton/wip/...)");

        var ticket = new Option<string?>("--ticket", "-t") { Description = "Only this ticket's snapshots" };
        var list = new Command("list", "Snapshots, newest first") { ticket, CommandRunner.Json };
        CommandRunner.Bind(list, (parse, host, _) =>
        {
            var prefix = parse.GetValue(ticket) is { } id ? Prefix + TicketId.Format(TicketId.Parse(id)) + "/" : Prefix;
            var refs = host.Git.Refs(host.Paths.Root, prefix);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(refs.Select(r => new WipJson(r.Name, r.Commit, r.Date, r.Subject)).ToList(), CliJson.Readable.ListWipJson));
                return Task.FromResult(0);
            }

            if (refs.Count == 0)
            {
                host.Out.WriteLine("no snapshots");
            }

            foreach (var r in refs)
            {
                host.Out.WriteLine($"{r.Name}  {r.Commit[..12]}  {r.Date.ToLocalTime():yyyy-MM-dd HH:mm}  {r.Subject}");
            }

            return Task.FromResult(0);
        });
        wip.Subcommands.Add(list);

        var name = new Argument<string>("ref") { Description = "The snapshot, as `baton wip list` shows it" };
        var branch = new Option<string?>("--branch", "-b") { Description = "Branch to create at the snapshot (default: wip-restore/<ticket>-<time>)" };
        var restore = new Command("restore", "Create a branch at a snapshot, so its files can be checked out or merged") { name, branch, CommandRunner.Json };
        CommandRunner.Bind(restore, (parse, host, _) =>
        {
            var raw = parse.GetValue(name)!;
            var full = raw.StartsWith(Prefix, StringComparison.Ordinal) ? raw : Prefix + raw;
            if (!System.Text.RegularExpressions.Regex.IsMatch(full, @"^refs/baton/wip/T-\d+/\d{14}$"))
            {
                throw BatonException.Usage($"'{raw}' is not a snapshot name: `baton wip list` shows them (refs/baton/wip/T-n/yyyyMMddHHmmss)");
            }

            var commit = host.Git.Resolve(host.Paths.Root, full) ?? throw new BatonException($"no snapshot {full}: `baton wip list` shows them");
            var target = parse.GetValue(branch) ?? "wip-restore/" + full[Prefix.Length..].Replace('/', '-');
            if (!System.Text.RegularExpressions.Regex.IsMatch(target, @"^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$") || target.Contains("..", StringComparison.Ordinal))
            {
                throw BatonException.Usage($"invalid branch name '{target}': use letters, digits, '.', '_', '-' and '/'");
            }
            host.Git.CreateBranch(host.Paths.Root, target, commit);
            var message = $"branch {target} is at {commit[..12]} (the snapshot's files); `git switch {target}` or `git worktree add DIR {target}` to use it";
            host.Out.WriteLine(parse.GetValue(CommandRunner.Json) ? JsonSerializer.Serialize(new AutopilotStateJson(message, true), CliJson.Readable.AutopilotStateJson) : message);
            return Task.FromResult(0);
        });
        wip.Subcommands.Add(restore);
        return wip;
    }
}
