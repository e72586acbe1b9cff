using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core.Conflicts;

namespace Baton.Cli.Commands;

/// <summary>`baton conflicts log` and `baton conflicts resolve`: conflicts recorded and settled by hand.</summary>
internal static class ConflictLogCommands
{
    public static Command Log()
    {
        var feature = new Argument<string>("feature") { Description = "The feature the conflict is in" };
        var files = new Option<string>("--files") { Description = "The files in conflict, comma-separated", Required = true };
        var severity = new Option<string>("--severity") { Description = "warning (one side will have to rework) or critical (a branch cannot land as it is)", DefaultValueFactory = _ => PredictedConflict.Warning };
        var note = new Option<string?>("--note") { Description = "What clashes, for whoever resolves it" };
        var branch = new Option<string?>("--branch") { Description = "The branch it is on (default: the feature's overseer branch)" };
        var with = new Option<string?>("--with") { Description = "The branch on the other side, if there is one" };
        var command = new Command("log", "Record a conflict the radar cannot predict (kept active until `baton conflicts resolve`)")
        {
            feature, files, severity, note, branch, with, CommandRunner.Json,
        };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var logged = new ConflictLog(host.TicketStore, host.ConflictStore).Log(parse.GetValue(feature)!, (parse.GetValue(files) ?? "").Split(','),
                parse.GetValue(severity) ?? PredictedConflict.Warning, parse.GetValue(note), parse.GetValue(branch), parse.GetValue(with), host.Time.GetUtcNow());
            Print(host, parse, logged, $"{logged.Label} logged ({logged.Severity}) in {logged.Feature}: {string.Join(", ", logged.Files)}. `baton conflicts resolve {logged.Label} --note \"...\"` when it is settled.");
            return Task.FromResult(0);
        });
        return command;
    }

    public static Command Resolve()
    {
        var id = new Argument<string>("id") { Description = "The conflict, e.g. C-4" };
        var note = new Option<string?>("--note") { Description = "How it was settled" };
        var command = new Command("resolve", "Mark a conflict (logged or predicted) resolved, with a note")
        {
            id, note, CommandRunner.Json,
        };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var resolved = new ConflictLog(host.TicketStore, host.ConflictStore).Resolve(parse.GetValue(id)!, parse.GetValue(note), host.Time.GetUtcNow());
            var again = resolved.Source == StoredConflict.Predicted ? " (a scan that still predicts it records it again)" : "";
            Print(host, parse, resolved, $"{resolved.Label} resolved{again}.");
            return Task.FromResult(0);
        });
        return command;
    }

    private static void Print(CliHost host, ParseResult parse, StoredConflict conflict, string text)
    {
        if (parse.GetValue(CommandRunner.Json))
        {
            host.Out.WriteLine(JsonSerializer.Serialize(LoggedConflictJson.From(conflict), CliJson.Readable.LoggedConflictJson));
            return;
        }

        host.Out.WriteLine(text);
    }
}
