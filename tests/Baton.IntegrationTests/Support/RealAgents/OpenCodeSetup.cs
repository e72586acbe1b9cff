using Baton.IntegrationTests.Support.ModelServer;

namespace Baton.IntegrationTests.Support.RealAgents;

/// <summary>
/// OpenCode pointed at the scripted server the way REAL-AGENTS.md describes: a private HOME (and
/// XDG folders in it) whose opencode.json names a local @ai-sdk/openai-compatible provider, and
/// the variables that keep it off the network. Its background install of @opencode-ai/plugin
/// goes to a registry that does not answer (127.0.0.1:9), so it fails fast and offline.
/// </summary>
public static class OpenCodeSetup
{
    public const string Model = "scripted-model";

    /// <summary>Writes HOME/.config/opencode/opencode.json and returns the environment OpenCode needs.</summary>
    /// <param name="ask">Make edits and commands ask for permission (OpenCode's own default allows them).</param>
    public static Dictionary<string, string> Environment(TestRepo repo, ScriptedModelServer server, bool ask = false)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(server);
        var home = Path.Combine(repo.Dir, ".baton", "test-home");
        var config = Path.Combine(home, ".config", "opencode");
        Directory.CreateDirectory(config);
        var permission = ask ? """, "permission": {"edit": "ask", "bash": "ask"}""" : "";
        File.WriteAllText(Path.Combine(config, "opencode.json"), $$"""
            {
              "$schema": "https://opencode.ai/config.json",
              "provider": {"local": {"npm": "@ai-sdk/openai-compatible", "name": "Scripted",
                "options": {"baseURL": "{{server.OpenAiBaseUrl}}", "apiKey": "scripted-test-key"},
                "models": {"{{Model}}": {"name": "Scripted Model", "tool_call": true} } } },
              "model": "local/{{Model}}", "small_model": "local/{{Model}}",
              "autoupdate": false, "share": "disabled"{{permission}}
            }
            """);
        return new()
        {
            ["HOME"] = home,
            ["XDG_CONFIG_HOME"] = Path.Combine(home, ".config"),
            ["XDG_DATA_HOME"] = Path.Combine(home, ".local", "share"),
            ["XDG_STATE_HOME"] = Path.Combine(home, ".local", "state"),
            ["XDG_CACHE_HOME"] = Path.Combine(home, ".cache"),
            ["OPENCODE_DISABLE_MODELS_FETCH"] = "1",
            ["OPENCODE_DISABLE_AUTOUPDATE"] = "1",
            ["OPENCODE_DISABLE_LSP_DOWNLOAD"] = "1",
            ["OPENCODE_DISABLE_DEFAULT_PLUGINS"] = "1",
            ["OPENCODE_DISABLE_SHARE"] = "1",
            ["npm_config_registry"] = "http://127.0.0.1:9/",
        };
    }
}
