using System.Security.Claims;
using System.Text.Json;
using Baton.Core;
using Baton.Core.Events;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace Baton.Mcp;

/// <summary>
/// Baton's MCP server, on the SDK's low-level handlers (tools/list and tools/call written by hand:
/// no reflection-based tool registration, so the native binary keeps every tool). Each call is
/// one mcp_call event: tool, caller, outcome and the arguments, redacted.
/// </summary>
public sealed class BatonMcpServer
{
    /// <summary>The claim the HTTP front door sets: "orchestrator" or the worker's name.</summary>
    public const string CallerClaim = "baton_caller";

    private readonly IMcpBackend _backend;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly BatonTools _tools;
    private readonly McpCaller? _fixedCaller;

    /// <param name="fixedCaller">The caller of every request (stdio: decided once from BATON_MCP_TOKEN); null: from each request's user (HTTP).</param>
    public BatonMcpServer(IMcpBackend backend, McpCaller? fixedCaller)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _fixedCaller = fixedCaller;
        _tools = new BatonTools(backend, _gate);
    }

    /// <summary>The `baton` executable's version (the entry assembly), shown to clients.</summary>
    public static string Version { get; } = System.Reflection.Assembly.GetEntryAssembly()?.GetName().Version?.ToString(3) ?? "0.1.0";

    public void Configure(McpServerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.ServerInfo = new Implementation { Name = "baton", Version = Version };
        options.ServerInstructions = "Baton runs coding agents on tickets. Workers: get_ticket, report_progress, ticket_done when committed; ask_human when blocked.";
        options.Capabilities = new ServerCapabilities { Tools = new ToolsCapability() };
        options.Handlers = new McpServerHandlers
        {
            ListToolsHandler = (request, _) => ValueTask.FromResult(new ListToolsResult { Tools = ListTools(CallerOf(request.User)) }),
            CallToolHandler = (request, ct) => new ValueTask<CallToolResult>(CallAsync(request.Params, CallerOf(request.User), ct)),
        };
    }

    public McpServerOptions Options()
    {
        var options = new McpServerOptions();
        Configure(options);
        return options;
    }

    /// <summary>tools/list for <paramref name="caller"/>: the schemas exactly as served.</summary>
    public static List<Tool> ListTools(McpCaller caller) =>
        ToolCatalog.For(caller).Select(t => new Tool
        {
            Name = t.Name,
            Description = t.Description,
            InputSchema = JsonDocument.Parse(t.Schema).RootElement.Clone(),
        }).ToList();

    private McpCaller CallerOf(ClaimsPrincipal? user)
    {
        if (_fixedCaller is not null)
        {
            return _fixedCaller;
        }

        // The HTTP front door lets no request in without a token, so a missing claim is a bug, not a guest.
        var claim = user?.FindFirst(CallerClaim)?.Value ?? throw new InvalidOperationException("an MCP request arrived without a caller");
        return claim == "orchestrator" ? McpCaller.Orchestrator : new McpCaller(claim);
    }

    private async Task<CallToolResult> CallAsync(CallToolRequestParams? request, McpCaller caller, CancellationToken ct)
    {
        var tool = request?.Name ?? "";
        var args = new ToolArguments(request?.Arguments is { } a ? new Dictionary<string, JsonElement>(a) : null);
        string text;
        string? ticket = null;
        var failed = true;
        var waits = tool == "ask_human";
        if (!waits)
        {
            await _gate.WaitAsync(ct).ConfigureAwait(false);
        }

        try
        {
            (text, ticket) = await _tools.CallAsync(tool, args, caller, ct).ConfigureAwait(false);
            failed = false;
        }
        catch (McpToolException e)
        {
            text = e.Message;
            ticket = Named(args);
        }
        catch (BatonException e)
        {
            text = _backend.Redact(e.Message);
            ticket = Named(args);
        }
        finally
        {
            if (!waits)
            {
                _gate.Release();
            }
        }

        await RecordAsync(tool, args, caller, ticket, failed ? "error: " + text : "ok", ct).ConfigureAwait(false);
        return new CallToolResult { Content = [new TextContentBlock { Text = text }], IsError = failed };
    }

    // The ticket a failed call named (or the caller's own), for the event: T-n when it reads as one.
    private string? Named(ToolArguments args)
    {
        try
        {
            return args.String("ticket") is { Length: > 0 } t ? Core.Tickets.TicketId.Normalize(t)
                : _fixedCaller?.Worker is { } w && _backend.TicketOf(w) is { } n ? Core.Tickets.TicketId.Format(n) : null;
        }
        catch (Exception e) when (e is BatonException or McpToolException)
        {
            return null;
        }
    }

    private async Task RecordAsync(string tool, ToolArguments args, McpCaller caller, string? ticket, string outcome, CancellationToken ct)
    {
        var shown = _backend.Redact(JsonText.Write(w =>
        {
            w.WriteStartObject();
            foreach (var (key, value) in args.Values)
            {
                w.WritePropertyName(key);
                value.WriteTo(w);
            }

            w.WriteEndObject();
        }));
        if (shown.Length > 400)
        {
            shown = shown[..400] + "…";
        }

        await _gate.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            _backend.Append(new EventRecord
            {
                Time = _backend.Time.GetUtcNow(),
                Type = EventTypes.McpCall,
                Worker = caller.Worker,
                Ticket = ticket,
                Message = $"{tool} by {caller.Name}: {(outcome.Length > 200 ? outcome[..200] + "…" : outcome)}",
                Metadata = new Dictionary<string, string>
                {
                    ["tool"] = tool,
                    ["caller"] = caller.Name,
                    ["outcome"] = outcome.StartsWith("error", StringComparison.Ordinal) ? "error" : "ok",
                    ["arguments"] = shown,
                },
            });
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Serves stdin/stdout until the client closes it or <paramref name="ct"/> ends.</summary>
    public async Task RunStdioAsync(CancellationToken ct)
    {
        var options = Options();
        await using var transport = new StdioServerTransport("baton");
        await using var server = McpServer.Create(transport, options);
        await server.RunAsync(ct).ConfigureAwait(false);
    }
}
