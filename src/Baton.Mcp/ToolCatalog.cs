namespace Baton.Mcp;

/// <summary>
/// Every tool Baton serves. Schemas are written by hand and kept terse: the whole list is part of
/// every model request an agent makes, so it stays under 2,000 tokens (a test measures it).
/// Tools with audience Ticket take an optional <c>ticket</c>: a worker's token implies its own.
/// </summary>
public static class ToolCatalog
{
    private const string T = "\"ticket\":{\"type\":\"string\",\"description\":\"T-n (a worker: its own, the default)\"}";

    public static IReadOnlyList<ToolDefinition> All { get; } =
    [
        new("spawn_worker", "Start an agent and type its task (baton spawn).",
            Obj("\"prompt\":{\"type\":\"string\"},\"name\":{\"type\":\"string\"},\"agent\":{\"type\":\"string\"},\"role\":{\"type\":\"string\"},\"dir\":{\"type\":\"string\"},\"headless\":{\"type\":\"boolean\"}"), ToolAudience.Orchestrator),
        new("list_workers", "Workers and their states (baton list).",
            Obj("\"all\":{\"type\":\"boolean\",\"description\":\"include killed\"}"), ToolAudience.Orchestrator),
        new("capture_worker", "A worker's last screen lines, secrets redacted.",
            Obj("\"worker\":{\"type\":\"string\"},\"lines\":{\"type\":\"integer\"}", "worker"), ToolAudience.Orchestrator),
        new("send_worker", "Type a message to a worker and submit it.",
            Obj("\"worker\":{\"type\":\"string\"},\"text\":{\"type\":\"string\"}", "worker", "text"), ToolAudience.Orchestrator),
        new("kill_worker", "Ask a worker to exit, then end its session.",
            Obj("\"worker\":{\"type\":\"string\"}", "worker"), ToolAudience.Orchestrator),
        new("create_ticket", "File a ticket; returns it.",
            Obj("\"title\":{\"type\":\"string\"},\"body\":{\"type\":\"string\"},\"priority\":{\"enum\":[\"critical\",\"high\",\"medium\",\"low\"]},\"role\":{\"type\":\"string\"},\"agent\":{\"type\":\"string\"},\"feature\":{\"type\":\"string\"},\"depends_on\":" + Strings + ",\"labels\":" + Strings + ",\"paths\":" + Strings, "title"), ToolAudience.Orchestrator),
        new("list_tickets", "Tickets, filtered.",
            Obj("\"status\":{\"type\":\"string\"},\"assignee\":{\"type\":\"string\"},\"ready\":{\"type\":\"boolean\"},\"limit\":{\"type\":\"integer\"}"), ToolAudience.Orchestrator),
        new("update_ticket", "Change a ticket's status, note, priority, labels or dependencies.",
            Obj("\"ticket\":{\"type\":\"string\"},\"status\":{\"type\":\"string\"},\"note\":{\"type\":\"string\"},\"priority\":{\"type\":\"string\"},\"labels\":" + Strings + ",\"depends_on\":" + Strings, "ticket"), ToolAudience.Orchestrator),
        new("assign_ticket", "Give a ready ticket to a live worker.",
            Obj("\"ticket\":{\"type\":\"string\"},\"worker\":{\"type\":\"string\"}", "ticket", "worker"), ToolAudience.Orchestrator),
        new("status", "Tickets by state, workers, blockers, conflicts, autopilot.",
            Obj("\"feature\":{\"type\":\"string\"}"), ToolAudience.Orchestrator),
        new("recent_events", "The latest events, oldest first.",
            Obj("\"count\":{\"type\":\"integer\"},\"type\":{\"type\":\"string\"},\"ticket\":{\"type\":\"string\"},\"worker\":{\"type\":\"string\"}"), ToolAudience.Orchestrator),
        new("conflicts", "Predicted merge conflicts between live branches.", Obj(""), ToolAudience.Orchestrator),
        new("merge_queue", "What waits to merge, in order, and the latest merged.", Obj(""), ToolAudience.Orchestrator),
        new("nodes", "The fleet: each node's status, capacity, heartbeat and leases (baton nodes).", Obj(""), ToolAudience.Orchestrator),
        new("plan", "A planning agent turns a request into a checked ticket graph and files it (baton plan); slow.",
            Obj("\"request\":{\"type\":\"string\"},\"feature\":{\"type\":\"string\"},\"dry_run\":{\"type\":\"boolean\"},\"agent\":{\"type\":\"string\"}", "request"), ToolAudience.Orchestrator),
        new("get_ticket", "A ticket: body, status, dependencies, notes.", Obj(T), ToolAudience.Ticket),
        new("report_progress", "Record a progress note on the ticket.",
            Obj("\"message\":{\"type\":\"string\"}," + T, "message"), ToolAudience.Ticket),
        new("ticket_done", "Mark the ticket done (commit first).",
            Obj("\"summary\":{\"type\":\"string\"},\"artifacts\":" + Strings + "," + T, "summary"), ToolAudience.Ticket),
        new("ask_human", "Ask a person; waits up to wait_seconds for the answer. On timeout call again with question_id.",
            Obj("\"question\":{\"type\":\"string\"},\"wait_seconds\":{\"type\":\"integer\"},\"question_id\":{\"type\":\"integer\"}," + T), ToolAudience.Ticket),
        new("request_handoff", "Hand the ticket to a fresh agent (context nearly full).",
            Obj("\"reason\":{\"type\":\"string\"}," + T), ToolAudience.Ticket),
        new("propose_subtickets", "Propose splitting the ticket; stored for a person to accept, not filed. depends_on: indexes in this list or T-n.",
            Obj("\"tickets\":{\"type\":\"array\",\"items\":" + Obj("\"title\":{\"type\":\"string\"},\"body\":{\"type\":\"string\"},\"depends_on\":" + Strings, "title") + "}," + T, "tickets"), ToolAudience.Ticket),
        new("get_budget", "Tokens and cost the ticket spent, and every budget with what it holds back.", Obj(T), ToolAudience.Ticket),
    ];

    /// <summary>The tools <paramref name="caller"/> may see and call.</summary>
    public static IEnumerable<ToolDefinition> For(McpCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsWorker ? All.Where(t => t.Audience == ToolAudience.Ticket) : All;
    }

    public static ToolDefinition? Find(string name) => All.FirstOrDefault(t => t.Name == name);

    private const string Strings = "{\"type\":\"array\",\"items\":{\"type\":\"string\"}}";

    private static string Obj(string properties, params string[] required) =>
        "{\"type\":\"object\",\"properties\":{" + properties + "}"
        + (required.Length == 0 ? "" : ",\"required\":[" + string.Join(',', required.Select(r => "\"" + r + "\"")) + "]") + "}";
}
