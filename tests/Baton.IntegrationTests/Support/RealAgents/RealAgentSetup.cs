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

    /// <summary>Writes .baton/agents/claude.yaml: the built-in profile with the binary, extra arguments and the server's environment.</summary>
    public static void WriteClaudeProfile(TestRepo repo, ScriptedModelServer server, string home, IReadOnlyList<string>? tuiArgs = null, IReadOnlyList<string>? headlessArgs = null)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(server);
        var env = new Dictionary<string, string>
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
        var text = BuiltIn("claude");
        text = Replace(text, InteractiveCommand(), $"command: {Flow([AgentBinaries.Claude, .. tuiArgs ?? []])}");
        text = Replace(text, HeadlessCommand(), m => $"{m.Groups[1].Value}{Flow([AgentBinaries.Claude, .. Unflow(m.Groups[2].Value).Skip(1), .. headlessArgs ?? []])}");
        text = Replace(text, EnvBlock(), "env:\n" + string.Concat(env.Select(e => $"  {e.Key}: {Quote(e.Value)}\n")));
        File.WriteAllText(Path.Combine(repo.Dir, ".baton", "agents", "claude.yaml"), text);
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
