namespace Baton.IntegrationTests.Support.RealAgents;

/// <summary>
/// Where the pinned real agent CLIs are: BATON_CLAUDE_BIN, BATON_CODEX_BIN, BATON_GEMINI_BIN, BATON_OPENCODE_BIN, else the cache that
/// scripts/test.sh installs them into. Missing binaries fail the test (never a silent skip).
/// </summary>
public static class AgentBinaries
{
    public const string ClaudeVersion = "2.1.330";
    public const string CodexVersion = "0.169.0";
    public const string GeminiVersion = "0.61.0";
    public const string OpenCodeVersion = "1.18.33";

    public static string Claude => Find("BATON_CLAUDE_BIN", $"claude-{ClaudeVersion}", "claude");

    public static string Codex => Find("BATON_CODEX_BIN", $"codex-{CodexVersion}", "codex");

    public static string Gemini => Find("BATON_GEMINI_BIN", $"gemini-{GeminiVersion}", "gemini");

    public static string OpenCode => Find("BATON_OPENCODE_BIN", $"opencode-{OpenCodeVersion}", "opencode");

    private static string Find(string variable, string folder, string name)
    {
        var given = Environment.GetEnvironmentVariable(variable);
        var cache = Environment.GetEnvironmentVariable("BATON_AGENT_CACHE") is { Length: > 0 } c
            ? c
            : Path.Combine(Environment.GetEnvironmentVariable("HOME") ?? "/root", ".cache", "baton-agents");
        var path = string.IsNullOrEmpty(given) ? Path.Combine(cache, folder, "node_modules", ".bin", name) : given;
        if (!File.Exists(path))
        {
            throw new Xunit.Sdk.XunitException(
                $"the real {name} CLI is not installed at {path} ({variable} is {(string.IsNullOrEmpty(given) ? "unset" : "set")}): " +
                "run scripts/test.sh, which installs the pinned agent CLIs into the cache, or point " + variable + " at the binary");
        }

        return path;
    }
}
