using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;

namespace Baton.Cli.Commands;

/// <summary>Runs a command's body with the host, turning user errors into one line on stderr and an exit code.</summary>
internal static class CommandRunner
{
    /// <summary>EX_SOFTWARE (sysexits.h): Baton itself went wrong, not the user.</summary>
    public const int InternalErrorExitCode = 70;

    public static readonly Option<bool> Json = new("--json") { Description = "Print machine-readable JSON instead of text" };

    public static void Bind(Command command, Func<ParseResult, CliHost, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, ct) =>
        {
            // Any --json of the command (the shared one or a command's own) asks for errors as JSON too.
            var json = command.Options.FirstOrDefault(o => o.Name == "--json") is Option<bool> asked && parse.GetValue(asked);
            var root = (BatonRootCommand)parse.RootCommandResult.Command;
            using var host = new CliHost(root.Output, root.Environment);
            try
            {
                return await body(parse, host, ct).ConfigureAwait(false);
            }
            catch (BatonException e)
            {
                return Fail(host.Output, json, e.Message, e.ExitCode);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                return Fail(host.Output, json, $"the store ({host.Paths.Database}) failed: {e.Message}", BatonException.FailureExitCode);
            }
            catch (Exception e) when (host.StoreBusy(e) is { } busy)
            {
                return Fail(host.Output, json, busy.Message, busy.ExitCode);
            }
            catch (System.Text.Json.JsonException e)
            {
                return Fail(host.Output, json, "invalid JSON: " + e.Message, BatonException.FailureExitCode);
            }
            catch (OperationCanceledException)
            {
                return Fail(host.Output, json, "interrupted", 130);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail(host.Output, json, e.Message, BatonException.FailureExitCode);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // Anything else is a bug in Baton (an ArgumentException included): say so plainly,
                // with the stack, instead of passing it off as the user's mistake.
                var code = Fail(host.Output, json, $"internal error ({e.GetType().Name}): {e.Message}", InternalErrorExitCode);
                host.Error.WriteLine(e.StackTrace);
                return code;
            }
        });
    }

    private static int Fail(CliOutput output, bool json, string message, int code)
    {
        if (json)
        {
            output.Out.WriteLine(JsonSerializer.Serialize(new ErrorJson(message, code), CliJson.Readable.ErrorJson));
        }

        output.Error.WriteLine("baton: " + message);
        return code;
    }
}
