using System.Text;
using System.Text.Json;

namespace Baton.Core.Mcp;

/// <summary>
/// How an agent finds Baton's MCP server (`baton mcp` on stdio): Claude Code's --mcp-config file
/// and Codex's [mcp_servers.baton] table. The server inherits the agent's environment, where
/// BATON_DB and the worker's BATON_MCP_TOKEN are; the token itself is never written to a file.
/// </summary>
public static class McpRegistration
{
    /// <summary>The variables the server needs; Codex passes only those it is told to.</summary>
    public static IReadOnlyList<string> Variables { get; } = [WorkerTokens.Variable, "BATON_DB", "BATON_WORKER", "BATON_TMUX_SOCKET"];

    /// <summary>Claude Code's <c>--mcp-config</c> JSON: one stdio server named baton.</summary>
    public static string ClaudeConfig(IReadOnlyList<string> baton)
    {
        ArgumentNullException.ThrowIfNull(baton);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            w.WriteStartObject();
            w.WriteStartObject("mcpServers");
            w.WriteStartObject("baton");
            w.WriteString("type", "stdio");
            w.WriteString("command", baton[0]);
            w.WriteStartArray("args");
            foreach (var a in baton.Skip(1).Append("mcp"))
            {
                w.WriteStringValue(a);
            }

            w.WriteEndArray();
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Codex's server entry as a TOML inline table, for <c>-c mcp_servers.baton=...</c>.</summary>
    public static string CodexTable(IReadOnlyList<string> baton)
    {
        ArgumentNullException.ThrowIfNull(baton);
        return $"{{command = {Toml(baton[0])}, args = [{string.Join(", ", baton.Skip(1).Append("mcp").Select(Toml))}], env_vars = [{string.Join(", ", Variables.Select(Toml))}]}}";
    }

    private static string Toml(string value) =>
        "\"" + value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
