using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create()
    {
        var feature = new Argument<string?>("feature") { Description = "The feature (default: every ticket)", Arity = ArgumentArity.ZeroOrOne };
        var format = new Option<string>("--format") { Description = "md, csv or json", DefaultValueFactory = _ => "md" };
        var output = new Option<string?>("--output", "-o") { Description = "Write to this file instead of standard output" };
        var json = new Option<bool>("--json") { Description = "The same as --format json" };
        var command = new Command("export", "Write a feature's tickets as a Markdown status file, CSV or JSON") { feature, format, output, json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var name = parse.GetValue(feature);
            var tickets = host.Tickets();
            string title = "All tickets";
            if (name is not null)
            {
                var f = host.TicketStore.GetFeature(name) ?? throw BatonException.Usage($"unknown feature '{name}': add it with `baton feature add {name} \"TITLE\"`");
                title = $"{f.Title} ({f.Name})";
            }

            var views = tickets.List(new TicketQuery(Feature: name), readyOnly: false);
            var chosen = parse.GetValue(format);
            if (parse.GetValue(json))
            {
                // An explicit --format other than json contradicts --json: refuse rather than pick one.
                if (parse.GetResult(format) is { Implicit: false } && chosen != "json")
                {
                    throw BatonException.Usage($"--json and --format {chosen} contradict each other: give one");
                }

                chosen = "json";
            }

            var text = chosen switch
            {
                "md" or "markdown" => TicketExport.Markdown(title, views, host.Time.GetUtcNow()),
                "csv" => TicketExport.Csv(views),
                "json" => JsonSerializer.Serialize(views.Select(TicketJson.From).ToList(), CliJson.Readable.ListTicketJson) + "\n",
                var other => throw BatonException.Usage($"unknown format '{other}': use md, csv or json"),
            };
            if (parse.GetValue(output) is { } file)
            {
                if (file.Length == 0)
                {
                    throw BatonException.Usage("--output needs a file name");
                }

                await File.WriteAllTextAsync(file, text, ct).ConfigureAwait(false);
                await host.Error.WriteLineAsync($"wrote {views.Count} ticket{(views.Count == 1 ? "" : "s")} to {file}").ConfigureAwait(false);
            }
            else
            {
                host.Out.Write(text);
            }

            return 0;
        });
        return command;
    }
}
