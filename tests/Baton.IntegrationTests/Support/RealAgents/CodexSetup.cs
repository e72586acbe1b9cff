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

        // Codex refuses to create its helper links ($CODEX_HOME/tmp/arg0-linux, codex-linux-sandbox
        // among them) when CODEX_HOME is inside the temp folder, and a test's CODEX_HOME is under
        // /tmp. Without a system bwrap that does not matter (its bundled bwrap starts the helper by
        // --argv0); with Debian's bubblewrap (0.8, no --argv0) every command then fails with
        // "bwrap: execvp codex-linux-sandbox". A temp folder of the test's own keeps CODEX_HOME
        // outside it, as ~/.codex is for a user.
        var tmp = Path.Combine(repo.Dir, ".baton", "test-tmp");
        Directory.CreateDirectory(tmp);
        return new()
        {
            ["HOME"] = home,
            ["CODEX_HOME"] = codexHome,
            ["TMPDIR"] = tmp,
            [KeyVariable] = "scripted-test-key",
        };
    }
}
