using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Mcp;

/// <summary>`baton mcp --http`: streamable HTTP on 127.0.0.1, a token on every request, the SDK's client.</summary>
public sealed class McpHttpTests : IDisposable
{
    private const string Initialize = """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-06-18","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}""";

    private readonly TestRepo _repo = new();
    private readonly McpHttpProcess _server;

    public McpHttpTests()
    {
        _server = McpHttpProcess.Start(_repo);
    }

    public void Dispose()
    {
        _server.Dispose();
        _repo.Dispose();
    }

    [Fact]
    public async Task It_listens_on_loopback_and_refuses_requests_without_or_with_a_wrong_token()
    {
        Assert.Equal("127.0.0.1", _server.Endpoint.Host);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(http, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(http, "not-the-token")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(http, _server.Token + "x")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post(http, "bw.w1.0123456789012345678901234567890123456789abc")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Post(http, _server.Token)).StatusCode);

        await Assert.ThrowsAnyAsync<Exception>(() => McpClients.HttpAsync(_server.Endpoint, "wrong"));
    }

    [Fact]
    public async Task The_orchestrator_and_a_worker_use_the_same_server_each_with_its_own_tools()
    {
        await using var orchestrator = await McpClients.HttpAsync(_server.Endpoint, _server.Token);
        Assert.Equal(22, (await orchestrator.ListToolsAsync()).Count); // the orchestrator's tools, nodes among them
        await orchestrator.OkAsync("create_ticket", new JsonObject { ["title"] = "One" });
        await orchestrator.OkAsync("create_ticket", new JsonObject { ["title"] = "Two" });

        var file = Path.Combine(_repo.Dir, "tok");
        _repo.Baton("spawn", "--agent", "scripted", "--name", "hw", "@run printf %s \"$BATON_MCP_TOKEN\" > tok").Ok();
        TestRepo.WaitUntil(() => File.Exists(file) && File.ReadAllText(file).Length > 40, "the agent wrote its token");
        _repo.WaitForState("hw", "idle");
        await orchestrator.OkAsync("assign_ticket", new JsonObject { ["ticket"] = "T-2", ["worker"] = "hw" });

        await using var worker = await McpClients.HttpAsync(_server.Endpoint, File.ReadAllText(file).Trim());
        Assert.Equal(7, (await worker.ListToolsAsync()).Count);
        Assert.Equal("T-2", (await worker.OkAsync("get_ticket")).GetProperty("id").GetString());
        var (text, refused) = await worker.CallAsync("get_ticket", new JsonObject { ["ticket"] = "T-1" });
        Assert.True(refused);
        Assert.Contains("cannot act on T-1", text);

        var workers = await orchestrator.OkAsync("list_workers");
        Assert.Equal("hw", workers[0].GetProperty("name").GetString());

        // Once the worker is gone its token reaches nothing.
        await orchestrator.OkAsync("kill_worker", new JsonObject { ["worker"] = "hw" });
        await Assert.ThrowsAnyAsync<Exception>(() => McpClients.HttpAsync(_server.Endpoint, File.ReadAllText(file).Trim()));
    }

    private async Task<HttpResponseMessage> Post(HttpClient http, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _server.Endpoint)
        {
            Content = new StringContent(Initialize, Encoding.UTF8, "application/json"),
        };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return await http.SendAsync(request);
    }
}
