using System.Globalization;
using Baton.IntegrationTests.Support.ModelServer;

namespace Baton.IntegrationTests.Support.RealAgents;

/// <summary>
/// Codex pointed at the scripted server the way REAL-AGENTS.md describes: a private CODEX_HOME
/// whose config.toml names a local Responses-API provider, no retries, no update check, no
/// background daemon, no analytics.
/// </summary>
public static class CodexSetup
{
    public const string KeyVariable = "BATON_TEST_MODEL_KEY";

    /// <summary>Writes HOME/.codex/config.toml and returns the environment Codex needs.</summary>
    public static Dictionary<string, string> Environment(TestRepo repo, ScriptedModelServer server, string approvalPolicy = "never", string? notify = null)
    {
        ArgumentNullException.ThrowIfNull(repo);
        ArgumentNullException.ThrowIfNull(server);
        var home = Path.Combine(repo.Dir, ".baton", "test-home");
        var codexHome = Path.Combine(home, ".codex");
        Directory.CreateDirectory(codexHome);
        var config = string.Create(CultureInfo.InvariantCulture, $"""
            model = "gpt-5.5"
            model_provider = "local"
            approval_policy = "{approvalPolicy}"
            sandbox_mode = "workspace-write"
            check_for_update_on_startup = false
            {(notify is null ? "" : "notify = " + RealAgentSetup.Flow([notify]))}

            [features]
            daemon_auto_start = false
            plugins = false
            remote_plugin = false
            apps = false

            [analytics]
            enabled = false

            [model_providers.local]
            name = "scripted"
            base_url = "{server.OpenAiBaseUrl}"
            env_key = "{KeyVariable}"
            wire_api = "responses"
            request_max_retries = 0
            stream_max_retries = 0

            """);
        File.WriteAllText(Path.Combine(codexHome, "config.toml"), config);
        return new()
        {
            ["HOME"] = home,
            ["CODEX_HOME"] = codexHome,
            [KeyVariable] = "scripted-test-key",
        };
    }
}
