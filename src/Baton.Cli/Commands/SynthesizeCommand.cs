using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core.Synthesis;

namespace Baton.Cli.Commands;

/// <summary>`baton synthesize T-12 T-13`: one reviewing agent's report on several finished tickets, stored as their artifact.</summary>
internal static class SynthesizeCommand
{
    public static Command Create()
    {
        var tickets = new Argument<string[]>("tickets") { Arity = ArgumentArity.OneOrMore, Description = "Finished tickets to review together (T-12 T-13 ...)" };
        var agent = new Option<string?>("--agent") { Description = "The agent profile that reviews (default: the synthesizer role's, then config's)" };
        var focus = new Option<string?>("--focus") { Description = "What to look at especially, added to the agent's prompt" };
        var timeout = new Option<int>("--timeout") { Description = "Minutes the agent may take", DefaultValueFactory = _ => 15 };
        var command = new Command("synthesize", "Have an agent review finished tickets together (summaries, artifacts, diffs, gates): conflicts, gaps, follow-up tickets")
        {
            tickets, agent, focus, timeout, CommandRunner.Json,
        };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var minutes = parse.GetValue(timeout);
            if (minutes is < 1 or > 240)
            {
                throw Baton.Core.BatonException.Usage($"--timeout must be between 1 and 240 minutes, not {minutes}");
            }

            var outcome = await host.Syntheses().SynthesizeAsync(new SynthesisRequest
            {
                Tickets = parse.GetValue(tickets) ?? [],
                Agent = parse.GetValue(agent),
                Focus = parse.GetValue(focus),
                Timeout = TimeSpan.FromMinutes(minutes),
            }, new LineProgress(host.Error), ct).ConfigureAwait(false);

            if (parse.GetValue(CommandRunner.Json))
            {
                await host.Out.WriteLineAsync(JsonSerializer.Serialize(SynthesisJson.From(outcome), SynthesisJsonContext.Default.SynthesisJson)).ConfigureAwait(false);
                return 0;
            }

            var o = host.Out;
            await o.WriteLineAsync($"Synthesis {outcome.Id} of {string.Join(", ", outcome.Tickets)} by {outcome.Worker} ({outcome.Agent}): "
                + $"{outcome.Sections.Conflicts.Count} conflicts, {outcome.Sections.Gaps.Count} gaps, {outcome.Sections.FollowUps.Count} follow-up tickets proposed").ConfigureAwait(false);
            await o.WriteLineAsync($"Stored in {Path.GetRelativePath(host.Paths.Root, outcome.ReportFile)} (and .json), added to each ticket's artifacts").ConfigureAwait(false);
            await o.WriteLineAsync().ConfigureAwait(false);
            await o.WriteLineAsync(outcome.Report).ConfigureAwait(false);
            return 0;
        });
        return command;
    }
}
