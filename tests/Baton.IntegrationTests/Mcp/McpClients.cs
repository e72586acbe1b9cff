using System.Text.Json;
using System.Text.Json.Nodes;
using Baton.IntegrationTests.Support;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace Baton.IntegrationTests.Mcp;

/// <summary>The SDK's own client against the built `baton mcp`: over stdio (it starts the process) or over HTTP.</summary>
public static class McpClients
{
    public static Task<McpClient> StdioAsync(TestRepo repo, string? workerToken = null)
    {
        var bin = RepoPaths.Baton;
        var env = new Dictionary<string, string?>
        {
            ["BATON_TMUX_SOCKET"] = repo.Socket,
            ["BATON_DB"] = Path.Combine(repo.Dir, ".baton", "baton.db"),
            ["BATON_WORKER"] = null,
            ["BATON_MCP_TOKEN"] = workerToken,
        };
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Command = bin[0],
            Arguments = [.. bin.Skip(1), "mcp"],
            WorkingDirectory = repo.Dir,
            EnvironmentVariables = env,
            Name = "baton",
        });
        return McpClient.CreateAsync(transport);
    }

    public static Task<McpClient> HttpAsync(Uri endpoint, string token)
    {
        var transport = new HttpClientTransport(new HttpClientTransportOptions
        {
            Endpoint = endpoint,
            TransportMode = HttpTransportMode.StreamableHttp,
            AdditionalHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + token },
        });
        return McpClient.CreateAsync(transport);
    }

    /// <summary>Calls a tool; its text (the JSON a tool answers with, or the error message) and whether it was an error.</summary>
    public static async Task<(string Text, bool IsError)> CallAsync(this McpClient client, string tool, JsonObject? args = null)
    {
        var arguments = args is null ? new Dictionary<string, object?>() : ToDictionary(args);
        var result = await client.CallToolAsync(tool, arguments).ConfigureAwait(false);
        var text = string.Concat(result.Content.OfType<TextContentBlock>().Select(b => b.Text));
        return (text, result.IsError == true);
    }

    public static async Task<JsonElement> OkAsync(this McpClient client, string tool, JsonObject? args = null)
    {
        var (text, error) = await client.CallAsync(tool, args).ConfigureAwait(false);
        Xunit.Assert.False(error, $"{tool} failed: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    // The test's arguments as the JSON elements a client sends.
    private static Dictionary<string, object?> ToDictionary(JsonObject args)
    {
        using var json = JsonDocument.Parse(args.ToJsonString());
        return json.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => (object?)p.Value.Clone());
    }
}
