using System.Globalization;
using Baton.Core.Tickets;

namespace Baton.Mcp;

/// <summary>
/// What each tool does: most are the matching `baton ... --json` command run in-process (the same
/// services, output shapes and error messages as the CLI, without a process start); ask_human and
/// propose_subtickets have their own parts. A worker acts only on its own ticket.
/// </summary>
public sealed class BatonTools
{
    private readonly IMcpBackend _backend;
    private readonly HumanQuestions _questions;
    private readonly SubticketProposals _proposals;

    public BatonTools(IMcpBackend backend, SemaphoreSlim gate)
    {
        ArgumentNullException.ThrowIfNull(backend);
        _backend = backend;
        _questions = new HumanQuestions(backend, gate);
        _proposals = new SubticketProposals(backend);
    }

    /// <summary>The tool's answer as text (JSON), and the ticket it concerned; throws <see cref="McpToolException"/> on failure.</summary>
    public async Task<(string Text, string? Ticket)> CallAsync(string tool, ToolArguments args, McpCaller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(caller);
        var definition = ToolCatalog.Find(tool) ?? throw new McpToolException($"unknown tool '{tool}': tools/list names them");
        if (caller.IsWorker && definition.Audience != ToolAudience.Ticket)
        {
            throw new McpToolException($"'{tool}' is for the orchestrator: a worker's token reaches only its own ticket's tools");
        }

        if (definition.Audience == ToolAudience.Ticket)
        {
            var ticket = TicketFor(args, caller);
            var text = await TicketToolAsync(tool, args, caller, ticket, ct).ConfigureAwait(false);
            return (text, ticket);
        }

        return (await OrchestratorToolAsync(tool, args, ct).ConfigureAwait(false), args.String("ticket") is { } t ? Normalize(t) : null);
    }

    private async Task<string> OrchestratorToolAsync(string tool, ToolArguments a, CancellationToken ct)
    {
        var cmd = new List<string>();
        switch (tool)
        {
            case "spawn_worker":
                cmd.Add("spawn");
                Option(cmd, "--name", a.String("name"));
                Option(cmd, "--agent", a.String("agent"));
                Option(cmd, "--role", a.String("role"));
                Option(cmd, "--dir", a.String("dir"));
                Switch(cmd, "--headless", a.Flag("headless"));
                Positional(cmd, a.String("prompt"));
                break;
            case "list_workers":
                cmd.Add("list");
                Switch(cmd, "--all", a.Flag("all"));
                break;
            case "capture_worker":
                cmd.AddRange(["capture", "--lines", (a.Integer("lines") ?? 50).ToString(CultureInfo.InvariantCulture)]);
                Positional(cmd, a.Required("worker"));
                break;
            case "send_worker":
                cmd.AddRange(["send", "--json", "--", a.Required("worker"), a.Required("text")]);
                return await RunAsync(cmd, null, ct).ConfigureAwait(false);
            case "kill_worker":
                cmd.Add("kill");
                Positional(cmd, a.Required("worker"));
                break;
            case "create_ticket":
                cmd.AddRange(["ticket", "create"]);
                Option(cmd, "--body", a.String("body"));
                Option(cmd, "--priority", a.String("priority"));
                Option(cmd, "--role", a.String("role"));
                Option(cmd, "--agent", a.String("agent"));
                Option(cmd, "--feature", a.String("feature"));
                Many(cmd, "--depends-on", a.Strings("depends_on"));
                Many(cmd, "--label", a.Strings("labels"));
                Many(cmd, "--paths", a.Strings("paths"));
                Positional(cmd, a.Required("title"));
                break;
            case "list_tickets":
                cmd.AddRange(["ticket", "list"]);
                Option(cmd, "--status", a.String("status"));
                Option(cmd, "--assignee", a.String("assignee"));
                Switch(cmd, "--ready", a.Flag("ready"));
                Option(cmd, "--limit", a.Integer("limit")?.ToString(CultureInfo.InvariantCulture));
                break;
            case "update_ticket":
                cmd.AddRange(["ticket", "update"]);
                Option(cmd, "--status", a.String("status"));
                Option(cmd, "--note", a.String("note"));
                Option(cmd, "--priority", a.String("priority"));
                Many(cmd, "--label", a.Strings("labels"));
                Many(cmd, "--depends-on", a.Strings("depends_on"));
                Positional(cmd, Normalize(a.Required("ticket")));
                break;
            case "assign_ticket":
                cmd.AddRange(["ticket", "assign", "--json", "--", Normalize(a.Required("ticket")), a.Required("worker")]);
                return await RunAsync(cmd, null, ct).ConfigureAwait(false);
            case "status":
                cmd.Add("status");
                Positional(cmd, a.String("feature"));
                break;
            case "recent_events":
                cmd.AddRange(["events", "recent"]);
                Option(cmd, "--type", a.String("type"));
                Option(cmd, "--ticket", a.String("ticket"));
                Option(cmd, "--worker", a.String("worker"));
                Positional(cmd, (a.Integer("count") ?? 20).ToString(CultureInfo.InvariantCulture));
                break;
            case "conflicts":
                cmd.AddRange(["conflicts", "--no-notify"]);
                break;
            case "merge_queue":
                cmd.Add("merge-queue");
                break;
            case "nodes":
                cmd.Add("nodes");
                break;
            case "plan":
                cmd.Add("plan");
                Option(cmd, "--feature", a.String("feature"));
                Switch(cmd, "--dry-run", a.Flag("dry_run"));
                Option(cmd, "--agent", a.String("agent"));
                Positional(cmd, a.Required("request"));
                break;
            default:
                throw new McpToolException($"unknown tool '{tool}'");
        }

        return await RunAsync(WithJson(cmd), null, ct).ConfigureAwait(false);
    }

    private async Task<string> TicketToolAsync(string tool, ToolArguments a, McpCaller caller, string ticket, CancellationToken ct)
    {
        switch (tool)
        {
            case "get_ticket":
                return await RunAsync(["ticket", "show", "--json", "--", ticket], caller.Worker, ct).ConfigureAwait(false);
            case "report_progress":
                return await RunAsync(["ticket", "update", "--json", "--note", a.Required("message"), "--", ticket], caller.Worker, ct).ConfigureAwait(false);
            case "ticket_done":
            {
                var cmd = new List<string> { "ticket", "done", "--json", "--summary", a.Required("summary") };
                Many(cmd, "--artifact", a.Strings("artifacts"));
                cmd.AddRange(["--", ticket]);
                return await RunAsync(cmd, caller.Worker, ct).ConfigureAwait(false);
            }

            case "request_handoff":
            {
                var worker = caller.Worker ?? _backend.AssigneeOf(TicketId.Parse(ticket))
                    ?? throw new McpToolException($"{ticket} has no worker to hand off from");
                var cmd = new List<string> { "handoff", "--json" };
                Option(cmd, "--reason", a.String("reason"));
                cmd.AddRange(["--", worker]);
                return await RunAsync(cmd, caller.Worker, ct).ConfigureAwait(false);
            }

            case "get_budget":
            {
                // What the ticket spent (`baton usage --ticket`) beside every budget and what is held (`baton budget`).
                var usage = await RunAsync(["usage", "--json", "--ticket", ticket], caller.Worker, ct).ConfigureAwait(false);
                var budgets = await RunAsync(["budget", "--json"], caller.Worker, ct).ConfigureAwait(false);
                return JsonText.Write(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("ticket", ticket);
                    w.WritePropertyName("usage");
                    w.WriteRawValue(usage);
                    w.WritePropertyName("budgets");
                    w.WriteRawValue(budgets);
                    w.WriteEndObject();
                });
            }
            case "ask_human":
                return await _questions.AskAsync(a, caller, ticket, ct).ConfigureAwait(false);
            case "propose_subtickets":
                return _proposals.Propose(a, caller, ticket);
            default:
                throw new McpToolException($"unknown tool '{tool}'");
        }
    }

    /// <summary>The ticket a ticket tool acts on: a worker's own (another is refused), or the one the orchestrator names.</summary>
    private string TicketFor(ToolArguments args, McpCaller caller)
    {
        var named = args.String("ticket") is { Length: > 0 } t ? Normalize(t) : null;
        if (caller.Worker is not { } worker)
        {
            return named ?? throw new McpToolException("'ticket' is required (T-n): only a worker's token implies one");
        }

        var own = _backend.TicketOf(worker) is { } n ? TicketId.Format(n) : null;
        if (own is null)
        {
            throw new McpToolException($"worker '{worker}' has no ticket: its token reaches only the ticket it works on");
        }

        if (named is not null && named != own)
        {
            throw new McpToolException($"refused: worker '{worker}' works on {own}; its token cannot act on {named}");
        }

        return own;
    }

    private async Task<string> RunAsync(IReadOnlyList<string> arguments, string? worker, CancellationToken ct)
    {
        var outcome = await _backend.RunAsync(arguments, worker, ct).ConfigureAwait(false);
        // A command's user error is one "baton: ..." line on stderr (and its exit code); `conflicts`
        // exits 1 when it found some, which is an answer, not an error.
        var error = outcome.Error.Split('\n').FirstOrDefault(l => l.StartsWith("baton: ", StringComparison.Ordinal));
        if (outcome.ExitCode != 0 && (error is not null || outcome.Output.Trim().Length == 0))
        {
            throw new McpToolException(_backend.Redact(error?["baton: ".Length..].Trim() ?? $"the command failed (exit {outcome.ExitCode})"));
        }

        return outcome.Output.Trim();
    }

    private static string Normalize(string ticket)
    {
        try
        {
            return TicketId.Normalize(ticket);
        }
        catch (Core.BatonException e)
        {
            throw new McpToolException(e.Message);
        }
    }

    private static List<string> WithJson(List<string> cmd)
    {
        // Options go before the `--` that ends them; the positional values after it may start with '-'.
        var end = cmd.IndexOf("--");
        cmd.Insert(end < 0 ? cmd.Count : end, "--json");
        return cmd;
    }

    private static void Option(List<string> cmd, string name, string? value)
    {
        if (value is not null)
        {
            cmd.Add(name);
            cmd.Add(value);
        }
    }

    private static void Many(List<string> cmd, string name, IReadOnlyList<string> values)
    {
        foreach (var v in values)
        {
            Option(cmd, name, v);
        }
    }

    private static void Switch(List<string> cmd, string name, bool on)
    {
        if (on)
        {
            cmd.Add(name);
        }
    }

    private static void Positional(List<string> cmd, string? value)
    {
        if (value is not null)
        {
            if (!cmd.Contains("--"))
            {
                cmd.Add("--");
            }

            cmd.Add(value);
        }
    }
}
