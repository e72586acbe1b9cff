using Baton.IntegrationTests.Support.ModelServer;

namespace Baton.IntegrationTests.Support.RealAgents;

/// <summary>
/// Gemini CLI pointed at the scripted server the way REAL-AGENTS.md describes: a private HOME whose
/// settings choose API-key auth and turn off updates, usage statistics and telemetry (with these
/// it connects only to the local server), the key and the base URL in the environment.
/// </summary>
public static class GeminiSetup
{
    /// <summary>
    /// A folder for test repositories whose every ancestor only its owner can write: Gemini CLI
    /// skips a system settings file (Baton's hooks) under a folder others can write, such as /tmp
    /// ("Parent directory '/tmp' is insecure").
    /// </summary>
    public static string PrivateParent()
    {
        var dir = Path.Combine(System.Environment.GetEnvironmentVariable("HOME") ?? "/root", ".cache", "baton-test-repos");
        Directory.CreateDirectory(dir, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return dir;
    }

    /// <summary>Writes HOME/.gemini/settings.json and returns the environment Gemini CLI needs.</summary>
    /// <param name="trustAll">Set GEMINI_CLI_TRUST_WORKSPACE (the built-in profile does); false leaves every folder untrusted, so the TUI asks.</param>
    public static Dictionary<string, string> Environment(TestRepo repo, ScriptedModelServer server, bool trustAll = true)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(server);
        var home = Path.Combine(repo.Dir, ".baton", "test-home");
        Directory.CreateDirectory(Path.Combine(home, ".gemini"));
        File.WriteAllText(Path.Combine(home, ".gemini", "settings.json"), """
            {
              "security": {"auth": {"selectedType": "gemini-api-key"}},
              "general": {"enableAutoUpdate": false, "enableAutoUpdateNotification": false},
              "privacy": {"usageStatisticsEnabled": false},
              "telemetry": {"enabled": false},
              "ui": {"theme": "Default"}
            }
            """);
        var env = new Dictionary<string, string>
        {
            ["HOME"] = home,
            ["GEMINI_API_KEY"] = "scripted-test-key",
            ["GOOGLE_GEMINI_BASE_URL"] = server.BaseUrl,
        };
        if (trustAll)
        {
            env["GEMINI_CLI_TRUST_WORKSPACE"] = "true";
        }

        // The built-in profile's answer to a CI runner's CI=true (which makes the TUI exit 42),
        // taken from the profile itself: without it in assets/agents/gemini.yaml these tests fail in CI.
        foreach (var name in (string[])["CI", "GITHUB_ACTIONS"])
        {
            var line = RealAgentSetup.BuiltIn("gemini").Split('\n').FirstOrDefault(l => l.StartsWith($"  {name}: ", StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"the built-in gemini profile no longer sets {name}");
            env[name] = line[(name.Length + 4)..].Trim().Trim('"');
        }

        return env;
    }
}
