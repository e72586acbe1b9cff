using System.CommandLine;
using System.Globalization;
using Baton.Cli.Scripted;

namespace Baton.Cli.Commands;

/// <summary>Hidden: Baton's built-in scripted agent CLI (the `scripted` agent profile runs it).</summary>
internal static class ScriptedAgentCommand
{
    public static Command Create()
    {
        var headless = new Option<string?>("--headless") { Description = "Run this task without a screen and exit" };
        var context = new Option<string?>("--context-file") { Description = "A role context to work under (what `spawn --role` gives)" };
        var settings = new Option<string?>("--settings") { Description = "A Claude Code settings file whose hooks it runs as Claude Code would (SessionStart, UserPromptSubmit, Notification, PostToolUse, Stop)" };
        var command = new Command("scripted-agent", "A scripted stand-in for an agent CLI (tests, demo); see docs/scripted-agent.md") { headless, context, settings };
        command.Hidden = true;
        command.SetAction(async (parse, ct) =>
        {
            var contextFile = parse.GetValue(context);
            if (parse.GetValue(headless) is { } task)
            {
                await new ScriptedRunner(new HeadlessScriptedHost(), contextFile).RunAsync(task, ct).ConfigureAwait(false);
                return 0;
            }

            var trust = Environment.GetEnvironmentVariable("SCRIPTED_TRUST_DIALOG") == "1";
            var delay = double.TryParse(Environment.GetEnvironmentVariable("SCRIPTED_START_DELAY"), NumberStyles.Float, CultureInfo.InvariantCulture, out var s) ? s : 0;
            return await new ScriptedAgent(contextFile, ScriptedHooks.Load(parse.GetValue(settings))).RunAsync(trust, TimeSpan.FromSeconds(delay)).ConfigureAwait(false);
        });
        return command;
    }
}
