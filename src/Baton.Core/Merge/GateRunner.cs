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

    /// <summary>
    /// The repository the gates run for: each gate command carries <see cref="RootVariable"/> and
    /// <see cref="DirVariable"/> in its environment (its children inherit them), so the gates a
    /// killed loop left running are found by the next one. Null: gates are not tagged.
    /// </summary>
    public string? Root { get; init; }

    /// <summary>Finds and stops tagged gates; null: leftovers are not looked for.</summary>
    public IProcessTable? Processes { get; init; }

    public const string RootVariable = "BATON_GATE_ROOT";
    public const string DirVariable = "BATON_GATE_DIR";
    private static readonly TimeSpan LeftoverGrace = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Stops every gate process still running for this repository (the loop that started them is
    /// gone: only one loop runs per repository, and it calls this before its first gate).
    /// Returns how many processes were stopped.
    /// </summary>
    public int StopLeftovers()
    {
        if (Root is null || Processes is null)
        {
            return 0;
        }

        var pids = Processes.WithVariable(RootVariable, Root);
        if (pids.Count > 0)
        {
            Processes.Stop(pids, LeftoverGrace);
        }

        return pids.Count;
    }

    /// <summary>Stops a gate still running in <paramref name="directory"/> (a killed loop's), so two gates never share a folder.</summary>
    private void StopLeftoversIn(string directory)
    {
        if (Root is null || Processes is null)
        {
            return;
        }

        var pids = Processes.WithVariable(DirVariable, directory);
        if (pids.Count > 0)
        {
            Processes.Stop(pids, LeftoverGrace);
        }
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

        StopLeftoversIn(directory);
        IReadOnlyDictionary<string, string>? tags = Root is null ? null : new Dictionary<string, string>(StringComparer.Ordinal) { [RootVariable] = Root, [DirVariable] = directory };
        var output = new StringBuilder();
        int? passed = null, failed = null, skipped = null;
        foreach (var command in commands)
        {
            output.Append("$ ").Append(command).Append('\n');
            ProcessResult result;
            try
            {
                result = await _runner.RunAsync(new ProcessRequest("sh", ["-c", command]) { WorkingDirectory = directory, Timeout = timeout, Environment = tags }, cancellationToken).ConfigureAwait(false);
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
