using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.Tickets;

namespace Baton.Cli.Commands;

internal static class InboxCommand
{
    public static Command Create()
    {
        var command = new Command("inbox", "Import the task files waiting in .baton/inbox/ as tickets (malformed ones go to inbox/rejected/ with a .error file)") { CommandRunner.Json };
        command.Subcommands.Add(InboxAnswerCommand.CreateAnswer());
        command.Subcommands.Add(InboxAnswerCommand.CreateQuestions());
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var outcome = host.TicketInbox().Import();
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new InboxJson(
                    outcome.Imported.Select(i => $"{i.File} -> {i.Ticket.Id}").ToList(),
                    outcome.Rejected.Select(r => $"{r.File}: {r.Error}").ToList()), CliJson.Readable.InboxJson));
            }
            else
            {
                foreach (var (file, ticket) in outcome.Imported)
                {
                    host.Out.WriteLine($"{file} -> {ticket.Id} {ticket.Title}");
                }

                foreach (var (file, error) in outcome.Rejected)
                {
                    host.Out.WriteLine($"{file} rejected: {error}");
                }

                if (outcome.Imported.Count + outcome.Rejected.Count == 0)
                {
                    host.Out.WriteLine("The inbox is empty.");
                }
            }

            return Task.FromResult(outcome.Rejected.Count > 0 ? 1 : 0);
        });
        return command;
    }
}
