using System.Text.Json;
using Baton.Core.Mcp;
using Xunit;

namespace Baton.Core.Tests.Mcp;

/// <summary>How Claude Code and Codex are told where Baton's MCP server is.</summary>
public sealed class McpRegistrationTests
{
    [Fact]
    public void Claude_codes_config_names_one_stdio_server_running_baton_mcp()
    {
        using var json = JsonDocument.Parse(McpRegistration.ClaudeConfig(["dotnet", "/opt/baton.dll"]));

        var server = json.RootElement.GetProperty("mcpServers").GetProperty("baton");
        Assert.Equal("stdio", server.GetProperty("type").GetString());
        Assert.Equal("dotnet", server.GetProperty("command").GetString());
        Assert.Equal(["/opt/baton.dll", "mcp"], server.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.False(server.TryGetProperty("env", out _)); // the token is inherited, never written
    }

    [Fact]
    public void Codexs_table_forwards_the_variables_the_server_needs()
    {
        var table = McpRegistration.CodexTable(["/usr/local/bin/ba\"ton"]);

        Assert.Equal("{command = \"/usr/local/bin/ba\\\"ton\", args = [\"mcp\"], env_vars = [\"BATON_MCP_TOKEN\", \"BATON_DB\", \"BATON_WORKER\", \"BATON_TMUX_SOCKET\"]}", table);
    }
}
