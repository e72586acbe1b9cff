using System.Globalization;
using System.Text.RegularExpressions;
using Baton.Core.Usage;

namespace Baton.Core.Agents.Streams;

/// <summary>
/// The scripted agent's headless output (<c>headless.output: scripted</c>): plain lines, of which
/// the usage lines its <c>@tokens</c> action prints are counted like a real agent's turn, so tests
/// and benches drive usage, costs and budgets through the real supervisor and store.
/// </summary>
public sealed partial class ScriptedStreamParser : IAgentStreamParser
{
    [GeneratedRegex(@"^usage: input_tokens=(\d+) output_tokens=(\d+) cache_read_input_tokens=(\d+) cache_creation_input_tokens=(\d+)(?: cost_usd=(\d+(?:\.\d+)?))?\s*$")]
    private static partial Regex UsageLine();

    public IReadOnlyList<AgentStreamEvent> Parse(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        if (UsageLine().Match(line) is not { Success: true } m)
        {
            return [];
        }

        long N(int group) => long.TryParse(m.Groups[group].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
        decimal? cost = m.Groups[5].Success ? decimal.Parse(m.Groups[5].Value, CultureInfo.InvariantCulture) : null;
        return [new AgentStreamEvent { Kind = AgentStreamKind.Usage, Usage = new TokenUsage(N(1), N(2), N(4), N(3), cost) }];
    }
}
