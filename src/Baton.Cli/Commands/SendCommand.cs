using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Workers;

namespace Baton.Cli.Commands;

internal static class SendCommand
{
    public static Command Create()
    {
        var name = new Argument<string>("name") { Description = "The worker" };
        var message = new Argument<string>("message") { Description = "What to type; '-' reads it from standard input" };
        var command = new Command("send", "Type a message (or a dialog answer) to a worker and submit it; checks that it was submitted") { name, message, CommandRunner.Json };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var text = parse.GetValue(message)!;
            if (text == "-")
            {
                text = await host.In.ReadToEndAsync(ct).ConfigureAwait(false);
            }

            var worker = parse.GetValue(name)!;
            var outcome = await host.WorkerService("cli").SendAsync(worker, text, ct).ConfigureAwait(false);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new SendJson(worker, outcome.Verified, outcome.EnterAttempts, outcome.Chunks, outcome.Detail), CliJson.Readable.SendJson));
            }
            else if (outcome.Verified)
            {
                host.Out.WriteLine($"sent to {worker}");
            }

            if (!outcome.Verified)
            {
                await host.Error.WriteLineAsync($"baton: the message was typed into {worker} but not confirmed as submitted ({outcome.Detail}); look with `baton capture {worker}`").ConfigureAwait(false);
                return BatonException.FailureExitCode;
            }

            return 0;
        });
        return command;
    }
}
