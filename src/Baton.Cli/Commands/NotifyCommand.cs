using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Notify;

namespace Baton.Cli.Commands;

/// <summary>`baton notify test|list|ack`: the notifications Baton sends when a person is needed.</summary>
internal static class NotifyCommand
{
    public static Command Create()
    {
        var notify = new Command("notify", "Notifications: test the channels, list deliveries, acknowledge one");

        var rule = new Option<string?>("--rule") { Description = "Only the channels of this rule (default: every configured channel)" };
        var test = new Command("test", "Send a test notification through each configured channel now; exit 1 if any failed") { rule, CommandRunner.Json };
        CommandRunner.Bind(test, async (parse, host, ct) =>
        {
            var results = await host.Notifier().SendTestAsync(parse.GetValue(rule), ct).ConfigureAwait(false);
            Render(host.Out, results, parse.GetValue(CommandRunner.Json));
            return results.All(r => r.Status == DeliveryStatus.Sent) ? 0 : 1;
        });
        notify.Subcommands.Add(test);

        var status = new Option<string?>("--status") { Description = "Only deliveries in this state: queued, sent, failed, acked, escalated" };
        var limit = new Option<int>("--limit", "-n") { Description = "At most this many, newest first", DefaultValueFactory = _ => 50 };
        var list = new Command("list", "Notification deliveries, newest first") { status, limit, CommandRunner.Json };
        CommandRunner.Bind(list, (parse, host, _) =>
        {
            var wanted = parse.GetValue(status) is { } text ? (DeliveryStatuses.Parse(text) ?? throw BatonException.Usage($"unknown status '{text}'; allowed: queued, sent, failed, acked, escalated")) : (DeliveryStatus?)null;
            var n = parse.GetValue(limit);
            if (n is < 1 or > 10_000)
            {
                throw BatonException.Usage($"--limit is {n}; allowed range is 1 to 10000");
            }

            Render(host.Out, host.NotificationStore.List(wanted, n), parse.GetValue(CommandRunner.Json));
            return Task.FromResult(0);
        });
        notify.Subcommands.Add(list);

        var id = new Argument<string>("id") { Description = "The delivery, as `baton notify list` shows it (N-12 or 12)" };
        var ack = new Command("ack", "Acknowledge a notification: it is not escalated further") { id, CommandRunner.Json };
        CommandRunner.Bind(ack, (parse, host, _) =>
        {
            var raw = parse.GetValue(id)!;
            var number = NotificationId.Parse(raw) ?? throw BatonException.Usage($"'{raw}' is not a notification id: `baton notify list` shows them (N-12)");

            Render(host.Out, [host.Notifier().Acknowledge(number, "cli")], parse.GetValue(CommandRunner.Json));
            return Task.FromResult(0);
        });
        notify.Subcommands.Add(ack);
        return notify;
    }

    /// <summary>The deliveries as `--json` prints them (the dashboard answers with the same rows).</summary>
    internal static List<NotificationJson> Rows(IReadOnlyList<Delivery> deliveries) => deliveries.Select(d => new NotificationJson(
        NotificationId.Format(d.Id), d.Rule, d.Channel, d.Status.ToText(), d.Notice.Priority.ToText(), d.Notice.Kind,
        d.Notice.Title, d.Notice.Ticket, d.Notice.Worker, d.Attempts, d.LastError, d.CreatedAt, d.SentAt, d.AckedAt, d.AckedBy, d.Test)).ToList();

    private static void Render(TextWriter output, IReadOnlyList<Delivery> deliveries, bool json)
    {
        if (json)
        {
            output.WriteLine(JsonSerializer.Serialize(Rows(deliveries), CliJson.Readable.ListNotificationJson));
            return;
        }

        if (deliveries.Count == 0)
        {
            output.WriteLine("no notifications");
        }

        foreach (var d in deliveries)
        {
            var detail = d.LastError is { } error && d.Status != DeliveryStatus.Sent ? $"  ({error})" : "";
            output.WriteLine($"N-{d.Id}  {d.Status.ToText(),-9}  {d.Notice.Priority.ToText(),-6}  {d.Channel,-10}  {d.CreatedAt.ToLocalTime():yyyy-MM-dd HH:mm}  {d.Notice.Title}{detail}");
        }
    }
}
