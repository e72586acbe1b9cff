using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Baton.Core.Processes;
using Baton.Core.Security;

namespace Baton.Core.Merge;

/// <summary>What a gate run found: passed or not, test counts where the output says them, and its output's tail.</summary>
public sealed record GateOutcome(bool Passed, int? TestsPassed, int? TestsFailed, int? TestsSkipped, string Output, string Summary);

/// <summary>
/// Runs the gate's commands (the project's own, from config.yaml; each through <c>sh -c</c>) in a
/// checkout, one after the other, stopping at the first that fails, each within the time limit.
/// Safe to call from a background task: it touches no store.
/// </summary>
public sealed partial class GateRunner
{
    private const int OutputTail = 4000;
    private readonly IProcessRunner _runner;
    private readonly Redactor _redactor;

    public GateRunner(IProcessRunner runner, Redactor redactor)
    {
        _runner = runner;
        _redactor = redactor;
    }

    [GeneratedRegex(@"(?:(\d+)\s+(passed|failed|skipped)\b)|(?:\b(Passed|Failed|Skipped):\s*(\d+))", RegexOptions.IgnoreCase)]
    private static partial Regex Counts();

    public async Task<GateOutcome> RunAsync(string directory, IReadOnlyList<string> commands, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(commands);
        if (commands.Count == 0)
        {
            return new GateOutcome(true, null, null, null, "", "no gate commands configured (gate.commands): passed");
        }

        var output = new StringBuilder();
        int? passed = null, failed = null, skipped = null;
        foreach (var command in commands)
        {
            output.Append("$ ").Append(command).Append('\n');
            ProcessResult result;
            try
            {
                result = await _runner.RunAsync(new ProcessRequest("sh", ["-c", command]) { WorkingDirectory = directory, Timeout = timeout }, cancellationToken).ConfigureAwait(false);
            }
            catch (BatonException e) when (e is ProcessTimedOutException or ProcessStartFailedException)
            {
                output.Append(e.Message).Append('\n');
                return Done(false, passed, failed, skipped, output, $"`{command}` did not finish: {e.Message}");
            }

            var text = result.StandardOutput + result.StandardError;
            output.Append(text);
            if (!text.EndsWith('\n'))
            {
                output.Append('\n');
            }

            Count(text, ref passed, ref failed, ref skipped);
            if (result.ExitCode != 0)
            {
                return Done(false, passed, failed, skipped, output, $"`{command}` failed with exit code {result.ExitCode}");
            }
        }

        return Done(true, passed, failed, skipped, output, $"{commands.Count} gate command{(commands.Count == 1 ? "" : "s")} passed");
    }

    /// <summary>Reads test counts in the forms common runners print ("12 passed, 1 failed", "Passed: 12").</summary>
    public static void Count(string text, ref int? passed, ref int? failed, ref int? skipped)
    {
        foreach (Match m in Counts().Matches(text))
        {
            var (number, kind) = m.Groups[1].Success ? (m.Groups[1].Value, m.Groups[2].Value) : (m.Groups[4].Value, m.Groups[3].Value);
            var n = int.Parse(number, CultureInfo.InvariantCulture);
            switch (kind.ToLowerInvariant())
            {
                case "passed":
                    passed = (passed ?? 0) + n;
                    break;
                case "failed":
                    failed = (failed ?? 0) + n;
                    break;
                default:
                    skipped = (skipped ?? 0) + n;
                    break;
            }
        }
    }

    private GateOutcome Done(bool ok, int? passed, int? failed, int? skipped, StringBuilder output, string summary)
    {
        var text = _redactor.Redact(output.ToString());
        if (text.Length > OutputTail)
        {
            text = "…" + text[^OutputTail..];
        }

        var counts = passed is null && failed is null ? "" : $" ({passed ?? 0} passed, {failed ?? 0} failed{(skipped is null ? "" : $", {skipped} skipped")})";
        return new GateOutcome(ok, passed, failed, skipped, text, summary + counts);
    }
}
