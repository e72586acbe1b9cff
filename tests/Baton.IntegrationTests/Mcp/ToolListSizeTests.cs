using System.Text.Json;
using Baton.Mcp;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using Xunit;

namespace Baton.IntegrationTests.Mcp;

/// <summary>
/// The tool list is part of every model request an agent makes: its schemas stay under 2,000
/// tokens. Counted as characters / 4 of tools/list as the server serialises it (the usual rule of
/// thumb for English and JSON with BPE tokenizers; JSON punctuation makes it an overestimate more often than not).
/// </summary>
public sealed class ToolListSizeTests
{
    public const int TokenBudget = 2000;

    public static int ApproximateTokens(string json) => (json.Length + 3) / 4;

    [Fact]
    public void The_whole_tool_list_is_under_two_thousand_tokens()
    {
        var tools = BatonMcpServer.ListTools(McpCaller.Orchestrator);
        var json = JsonSerializer.Serialize(new ListToolsResult { Tools = tools }, McpJsonUtilities.DefaultOptions.GetTypeInfo(typeof(ListToolsResult)));

        Assert.Equal(ToolCatalog.All.Count, tools.Count);
        Assert.True(ApproximateTokens(json) < TokenBudget, $"tools/list is about {ApproximateTokens(json)} tokens ({json.Length} characters)");
    }

    [Fact]
    public void Every_schema_is_an_object_with_described_tools()
    {
        foreach (var tool in ToolCatalog.All)
        {
            using var schema = JsonDocument.Parse(tool.Schema);
            Assert.Equal("object", schema.RootElement.GetProperty("type").GetString());
            Assert.False(string.IsNullOrWhiteSpace(tool.Description), tool.Name);
            foreach (var required in schema.RootElement.TryGetProperty("required", out var r) ? r.EnumerateArray() : default)
            {
                Assert.True(schema.RootElement.GetProperty("properties").TryGetProperty(required.GetString()!, out _), $"{tool.Name}: {required}");
            }
        }
    }
}
