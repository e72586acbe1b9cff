using System.Net;
using System.Security.Claims;
using Baton.Web;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Mcp;

/// <summary>
/// The same tools over streamable HTTP on 127.0.0.1 only. Every request carries a Bearer token:
/// the orchestrator's (.baton/mcp.token, made like the dashboard's) or a worker's own; anything else
/// is 401 before the MCP layer sees it.
/// </summary>
public sealed class McpHttpServer : IAsyncDisposable
{
    public const int DefaultPort = 7778;
    public const string TokenFile = Baton.Core.Config.BatonPaths.McpTokenFile;
    public const string Path = "/mcp";

    private readonly WebApplication _app;

    private McpHttpServer(WebApplication app, Uri endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The MCP endpoint, e.g. http://127.0.0.1:7778/mcp.</summary>
    public Uri Endpoint { get; }

    public static async Task<McpHttpServer> StartAsync(BatonMcpServer server, IMcpBackend backend, string orchestratorToken, int port, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentException.ThrowIfNullOrEmpty(orchestratorToken);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddMcpServer(server.Configure).WithHttpTransport();
        var app = builder.Build();
        app.Use(async (context, next) =>
        {
            var token = Bearer(context.Request);
            var caller = DashboardToken.Matches(token, orchestratorToken) ? "orchestrator" : backend.WorkerOfToken(token);
            if (caller is null)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                context.Response.Headers.WWWAuthenticate = "Bearer";
                context.Response.ContentType = "application/json";
                await context.Response.WriteAsync("{\"error\":\"Baton's MCP server needs a token: Authorization: Bearer <.baton/mcp.token, or the worker's BATON_MCP_TOKEN>\"}", ct).ConfigureAwait(false);
                return;
            }

            // A name identifier too: the SDK ties a session to the user that opened it.
            context.User = new ClaimsPrincipal(new ClaimsIdentity(
                [new Claim(BatonMcpServer.CallerClaim, caller), new Claim(ClaimTypes.NameIdentifier, caller)], "baton"));
            await next(context).ConfigureAwait(false);
        });
        app.MapMcp(Path);
        await app.StartAsync(ct).ConfigureAwait(false);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? $"http://127.0.0.1:{port}";
        return new McpHttpServer(app, new Uri(new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal)), Path));
    }

    public Task WaitForShutdownAsync(CancellationToken ct) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, ct);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }
}
