using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;

namespace Baton.Cli.Commands;

/// <summary>Runs a command's body with the host, turning user errors into one line on stderr and an exit code.</summary>
internal static class CommandRunner
{
    public static readonly Option<bool> Json = new("--json") { Description = "Print machine-readable JSON instead of text" };

    public static void Bind(Command command, Func<ParseResult, CliHost, CancellationToken, Task<int>> body)
    {
        command.SetAction(async (parse, ct) =>
        {
            var json = command.Options.Contains(Json) && parse.GetValue(Json);
            using var host = new CliHost();
            try
            {
                return await body(parse, host, ct).ConfigureAwait(false);
            }
            catch (BatonException e)
            {
                return Fail(json, e.Message, e.ExitCode);
            }
            catch (Microsoft.Data.Sqlite.SqliteException e)
            {
                return Fail(json, $"the store ({host.Paths.Database}) failed: {e.Message}", BatonException.FailureExitCode);
            }
            catch (System.Text.Json.JsonException e)
            {
                return Fail(json, "invalid JSON: " + e.Message, BatonException.FailureExitCode);
            }
            catch (ArgumentException e)
            {
                return Fail(json, e.Message, BatonException.UsageExitCode);
            }
            catch (OperationCanceledException)
            {
                return Fail(json, "interrupted", 130);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Fail(json, e.Message, BatonException.FailureExitCode);
            }
        });
    }

    private static int Fail(bool json, string message, int code)
    {
        if (json)
        {
            Console.Out.WriteLine(JsonSerializer.Serialize(new ErrorJson(message, code), CliJson.Readable.ErrorJson));
        }

        Console.Error.WriteLine("baton: " + message);
        return code;
    }
}
