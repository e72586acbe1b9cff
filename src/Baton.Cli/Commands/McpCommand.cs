using System.CommandLine;
using Baton.Cli.Host;
using Baton.Core;
using Baton.Core.Mcp;
using Baton.Mcp;
using Baton.Web;

namespace Baton.Cli.Commands;

/// <summary>
/// `baton mcp [--http [--port N]]`: Baton's tools for agents over MCP. On stdio the caller is the
/// worker whose BATON_MCP_TOKEN is in the environment (its ticket's tools), or else the
/// orchestrator (every tool); over HTTP each request's Bearer token decides.
/// </summary>
internal static class McpCommand
{
    public static Command Create()
    {
        var http = new Option<bool>("--http") { Description = "Serve streamable HTTP on 127.0.0.1 instead of stdio (token required: .baton/mcp.token, or a worker's own)" };
        var port = new Option<int>("--port") { Description = "The HTTP port (0 takes a free one)", DefaultValueFactory = _ => McpHttpServer.DefaultPort };
        var command = new Command("mcp", "Serve Baton's tools (workers, tickets, status; a worker's own ticket) to agents over MCP, on stdio or --http") { http, port };
        CommandRunner.Bind(command, async (parse, host, ct) =>
        {
            var backend = new McpBackend(host);
            if (!parse.GetValue(http))
            {
                var caller = McpCaller.Orchestrator;
                if (host.Environment.Variable(WorkerTokens.Variable) is { } token)
                {
                    caller = new McpCaller(backend.WorkerOfToken(token)
                        ?? throw new BatonException($"{WorkerTokens.Variable} is not a current worker token (the worker was respawned, or the token belongs to another repository)"));
                }

                // Opened before the first request: a missing store fails now, with its message, not inside a tool call.
                _ = host.Store.LastEventId();
                await new BatonMcpServer(backend, caller).RunStdioAsync(ct).ConfigureAwait(false);
                return 0;
            }

            var secret = DashboardToken.LoadOrCreate(host.Files, host.Paths.BatonDir, McpHttpServer.TokenFile);
            using var signals = new StopSignals(ct);
            await using var server = await McpHttpServer.StartAsync(new BatonMcpServer(backend, null), backend, secret, parse.GetValue(port), signals.Token).ConfigureAwait(false);
            host.Out.WriteLine($"MCP: {server.Endpoint}");
            host.Out.WriteLine($"Send Authorization: Bearer <token>; the orchestrator's is in .baton/{McpHttpServer.TokenFile} (delete it to revoke). Stop with Ctrl-C.");
            host.Out.Flush();
            try
            {
                await Task.Delay(Timeout.Infinite, signals.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Ctrl-C or SIGTERM: the server stops below.
            }

            return 0;
        });
        return command;
    }
}
