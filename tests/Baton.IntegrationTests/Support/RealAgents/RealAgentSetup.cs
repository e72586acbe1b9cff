using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Baton.IntegrationTests.Support.ModelServer;

namespace Baton.IntegrationTests.Support.RealAgents;

/// <summary>
/// Configures a test repository the way a user would point Baton at a real agent: a project
/// profile override (.baton/agents/claude.yaml, codex.yaml) made from the built-in profile, with
/// the pinned binary as its command and the scripted model server in its environment, and a
/// private HOME (and CODEX_HOME) so nothing of the machine's own agent setup leaks in.
/// </summary>
public static partial class RealAgentSetup
{
    /// <summary>A fresh HOME that has done Claude Code's onboarding (which hangs offline) and nothing else: no folder is trusted.</summary>
    public static string ClaudeHome(TestRepo repo)
    {
        ArgumentNullException.ThrowIfNull(repo);
        var home = Path.Combine(repo.Dir, ".baton", "test-home");
        Directory.CreateDirectory(home);
        File.WriteAllText(Path.Combine(home, ".claude.json"), "{\"hasCompletedOnboarding\": true}\n");
        return home;
    }

    /// <summary>What Claude Code needs to talk only to the scripted server, from a private HOME.</summary>
    public static Dictionary<string, string> ClaudeEnvironment(ScriptedModelServer server, string home)
    {
        ArgumentNullException.ThrowIfNull(server);
        return new()
        {
            ["HOME"] = home,
            ["ANTHROPIC_BASE_URL"] = server.BaseUrl,
            ["ANTHROPIC_AUTH_TOKEN"] = "scripted-test-token",
            ["DISABLE_TELEMETRY"] = "1",
            ["CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC"] = "1",
            ["DISABLE_AUTOUPDATER"] = "1",
            ["CLAUDE_CODE_DISABLE_OFFICIAL_MARKETPLACE_AUTOINSTALL"] = "1",
            ["CLAUDE_CODE_MAX_RETRIES"] = "0",
        };
    }

    /// <summary>Writes .baton/agents/claude.yaml: the built-in profile with the pinned binary, extra arguments and the server's environment.</summary>
    public static void WriteClaudeProfile(TestRepo repo, ScriptedModelServer server, string home, IReadOnlyList<string>? tuiArgs = null, IReadOnlyList<string>? headlessArgs = null) =>
        WriteProfile(repo, "claude", AgentBinaries.Claude, tuiArgs, headlessArgs, ClaudeEnvironment(server, home));

    /// <summary>Writes .baton/agents/AGENT.yaml from the built-in profile: its commands run <paramref name="binary"/> with extra arguments, and <paramref name="env"/> replaces its environment.</summary>
    public static void WriteProfile(TestRepo repo, string agent, string binary, IReadOnlyList<string>? tuiArgs, IReadOnlyList<string>? headlessArgs, IReadOnlyDictionary<string, string> env)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(env);
        var text = BuiltIn(agent);
        text = Replace(text, InteractiveCommand(), $"command: {Flow([binary, .. tuiArgs ?? []])}");
        text = Replace(text, HeadlessCommand(), m => $"{m.Groups[1].Value}{Flow([binary, .. Unflow(m.Groups[2].Value).Skip(1), .. headlessArgs ?? []])}");
        var envBlock = "env:\n" + string.Concat(env.Select(e => $"  {e.Key}: {Quote(e.Value)}\n"));
        text = EnvBlock().IsMatch(text) ? Replace(text, EnvBlock(), envBlock) : text.TrimEnd('\n') + "\n" + envBlock;
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "agents", agent + ".yaml"), text);
    }

    /// <summary>Answers a dialog with a baton command (<c>send W 1</c>, <c>approve W</c>) as a person would:
    /// a TUI drops keys that arrive before the dialog listens for input, so one still up after 10 s is
    /// answered again.</summary>
    public static void Answer(TestRepo repo, Func<bool> dialogUp, params string[] command)
    {
        repo.Baton(command).Ok();
        if (!TestRepo.TryWaitUntil(() => !dialogUp(), 10))
        {
            repo.Baton(command).Ok();
        }
    }

    public static string BuiltIn(string agent) => File.ReadAllText(Path.Combine(RepoPaths.Root, "assets", "agents", agent + ".yaml"));

    public static string Flow(IEnumerable<string> items) => "[" + string.Join(", ", items.Select(Quote)) + "]";

    public static string Quote(string value) => JsonValue.Create(value).ToJsonString();

    private static IEnumerable<string> Unflow(string list) => JsonNode.Parse(list)!.AsArray().Select(n => n!.GetValue<string>());

    private static string Replace(string text, Regex pattern, string replacement) => Replace(text, pattern, _ => replacement);

    private static string Replace(string text, Regex pattern, MatchEvaluator replacement)
    {
        if (!pattern.IsMatch(text))
        {
            throw new InvalidOperationException($"the built-in profile no longer has a line matching {pattern}: update RealAgentSetup");
        }

        return pattern.Replace(text, replacement, 1);
    }

    [GeneratedRegex(@"^command: \[.*\]$", RegexOptions.Multiline)]
    private static partial Regex InteractiveCommand();

    [GeneratedRegex(@"^(  command: )(\[.*\])$", RegexOptions.Multiline)]
    private static partial Regex HeadlessCommand();

    [GeneratedRegex(@"^env:\n(?:  .*\n)*", RegexOptions.Multiline)]
    private static partial Regex EnvBlock();
}
