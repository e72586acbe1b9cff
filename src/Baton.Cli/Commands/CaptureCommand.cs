using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

internal static class CaptureCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The worker" };
        var lines = new Option<int>("--lines", "-l") { Description = "How many lines from the bottom", DefaultValueFactory = _ => 50 };
        var command = new Command("capture", "Print the last lines of a worker's screen (or its headless log), secrets redacted") { name, lines, CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var worker = parse.GetValue(name)!;
            var count = parse.GetValue(lines);
            var text = host.WorkerService().Capture(worker, count);
            host.Out.WriteLine(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new CaptureJson(worker, count, text), CliJson.Readable.CaptureJson)
                : text);
            return Task.FromResult(0);
        });
        return command;
    }
}
