using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Handoff;
using Baton.Core.Tickets;

namespace Baton.Cli.Commands;

/// <summary>
/// `baton handoff WORKER [--to AGENT] [--reason ...] [--now]`: the worker's ticket to a fresh agent in
/// the same worktree; `baton handoff show H-n` (one packet), `baton handoff write H-n` (the leaving
/// agent's section, on stdin) and `baton handoffs [--ticket T]` (the chain).
/// </summary>
internal static class HandoffCommand
{
    public static Command Create()
    {
        var worker = new Argument<string>("worker") { Description = "The worker whose ticket moves on" };
        var to = new Option<string?>("--to") { Description = "The successor's agent profile (default: the role's handoff_to, skipping paused or over-budget profiles)" };
        var reason = new Option<string?>("--reason") { Description = "Why, for the record and the successor" };
        var now = new Option<bool>("--now") { Description = "Do not ask the agent for its section: the packet is Baton's record alone" };
        var command = new Command("handoff", "Hand a worker's ticket to a fresh agent in the same worktree, with a packet of what was done") { worker, to, reason, now, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var row = await host.Handoffs().HandOffAsync(new HandoffRequest
            {
                Worker = parse.GetValue(worker)!,
                To = parse.GetValue(to),
                Reason = parse.GetValue(reason),
                Now = parse.GetValue(now),
            }, ct).ConfigureAwait(false);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(HandoffRowJson.From(row), HandoffCliJson.Readable.HandoffRowJson));
                return 0;
            }

            host.Out.WriteLine($"{row.IdText}: {(row.Ticket is { } ticket ? TicketId.Format(ticket) : "the orchestration")} handed from {row.FromWorker} ({row.FromAgent}) to {row.ToWorker} ({row.ToAgent}) in {Seconds(row.LatencyMs)}; packet {row.PacketPath} ({row.Source})"
                + (row.WipRef is null ? "" : $"; uncommitted work saved as {row.WipRef}, files left in place"));
            return 0;
        });

        command.Subcommands.Add(Show());
        command.Subcommands.Add(Write());
        return command;
    }

    public static Command CreateList()
    {
        var ticket = new Option<string?>("--ticket", "-t") { Description = "Only this ticket's handoffs (T-n)" };
        var command = new Command("handoffs", "The chain of agents each ticket went through, with the context fill at each switch") { ticket, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var number = parse.GetValue(ticket) is { } t ? TicketId.Parse(t) : (long?)null;
            var rows = host.HandoffStore.List(number);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(rows.Select(HandoffRowJson.From).ToList(), HandoffCliJson.Readable.ListHandoffRowJson));
                return Task.FromResult(0);
            }

            if (rows.Count == 0)
            {
                host.Out.WriteLine("No handoffs.");
            }

            foreach (var h in rows)
            {
                var fill = h.ContextPercent is { } p ? p.ToString("0", CultureInfo.InvariantCulture) + "%" : "-";
                host.Out.WriteLine($"{h.IdText,-6} {(h.Ticket is { } handed ? TicketId.Format(handed) : "-"),-6} {h.FromWorker} ({h.FromAgent}) -> {h.ToWorker ?? "?"} ({h.ToAgent})  fill {fill,-4} {h.Status,-9} {h.TriggeredAt.ToLocalTime():yyyy-MM-dd HH:mm:ss}  {h.Reason}"
                    + (h.Error is null ? "" : $"  error: {h.Error}"));
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Show()
    {
        var id = new Argument<string>("handoff") { Description = "H-n, as `baton handoffs` shows it" };
        var command = new Command("show", "One handoff and its packet (--json: the packet file as it is)") { id, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var row = Find(host, parse.GetValue(id)!);
            if (row.PacketPath is null || !File.Exists(row.PacketPath))
            {
                throw new BatonException($"{row.IdText} has no packet ({row.Status}{(row.Error is null ? "" : ": " + row.Error)})");
            }

            var json = File.ReadAllText(row.PacketPath);
            host.Out.WriteLine(parse.GetValue(CommandRunner.Json) ? json.TrimEnd() : HandoffText.Render(HandoffJson.Read(json), row.PacketPath).TrimEnd());
            return Task.FromResult(0);
        });
        return command;
    }

    private static Command Write()
    {
        var id = new Argument<string>("handoff") { Description = "H-n, as the request to write it said" };
        var section = new Argument<string?>("section") { Description = "The section as one JSON argument (default: read from stdin)", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("write", "The leaving agent's handoff section: one JSON object (argument or stdin), checked against .baton/handoff/schema.json") { id, section, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var row = Find(host, parse.GetValue(id)!);
            var text = parse.GetValue(section) ?? await host.In.ReadToEndAsync(ct).ConfigureAwait(false);
            var (_, errors) = HandoffSchema.Validate(text);
            string? path = null;
            if (errors.Count == 0)
            {
                if (row.Status != "asking")
                {
                    throw new BatonException($"{row.IdText} is not waiting for a section any more ({row.Status}): nothing was written");
                }

                path = host.Handoffs().SectionPath(row.Id);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, text);
            }

            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new HandoffWriteJson(row.IdText, errors.Count == 0, errors, path), HandoffCliJson.Readable.HandoffWriteJson));
            }
            else
            {
                host.Out.WriteLine(errors.Count == 0 ? $"{row.IdText}: section accepted; Baton hands the ticket over now" : $"{row.IdText}: section refused; fix these and run it again:\n- " + string.Join("\n- ", errors));
            }

            return errors.Count == 0 ? 0 : 1;
        });
        return command;
    }

    private static HandoffRow Find(CliHost host, string text)
    {
        var digits = text.StartsWith("H-", StringComparison.OrdinalIgnoreCase) ? text[2..] : text;
        return long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && host.HandoffStore.Get(n) is { } row
            ? row
            : throw BatonException.Usage($"no handoff '{text}': `baton handoffs` lists them (H-n)");
    }

    private static string Seconds(long? ms) => ms is { } v ? (v / 1000.0).ToString("0.0", CultureInfo.InvariantCulture) + " s" : "-";
}
