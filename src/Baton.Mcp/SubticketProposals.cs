using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tickets;

namespace Baton.Mcp;

/// <summary>
/// propose_subtickets: checks the proposed graph (titles, references, no cycle) and stores it as a
/// subtickets_proposed event for a person or the prophet to accept; nothing is filed. The answer is
/// the graph change: the tickets that would be created and what they would wait for.
/// </summary>
internal sealed class SubticketProposals
{
    public const int MaxTickets = 20;

    private readonly IMcpBackend _backend;

    public SubticketProposals(IMcpBackend backend)
    {
        _backend = backend;
    }

    public string Propose(ToolArguments args, McpCaller caller, string ticket)
    {
        if (args.Element("tickets") is not { ValueKind: JsonValueKind.Array } list || list.GetArrayLength() == 0)
        {
            throw new McpToolException("'tickets' must be a non-empty list of {title, body?, depends_on?}");
        }

        if (list.GetArrayLength() > MaxTickets)
        {
            throw new McpToolException($"at most {MaxTickets} subtickets at once");
        }

        var proposed = new List<(string Title, string Body, List<string> DependsOn)>();
        foreach (var item in list.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Object)
            {
                throw new McpToolException("each subticket is an object {title, body?, depends_on?}");
            }

            var fields = new ToolArguments(item.EnumerateObject().ToDictionary(p => p.Name, p => p.Value));
            var title = fields.String("title")?.Trim();
            if (string.IsNullOrEmpty(title))
            {
                throw new McpToolException($"subticket {proposed.Count} has an empty title");
            }

            proposed.Add((title, fields.String("body") ?? "", fields.Strings("depends_on").ToList()));
        }

        var edges = new List<int>[proposed.Count];
        for (var i = 0; i < proposed.Count; i++)
        {
            edges[i] = [];
            foreach (var dep in proposed[i].DependsOn)
            {
                if (int.TryParse(dep, NumberStyles.None, CultureInfo.InvariantCulture, out var index))
                {
                    if (index < 0 || index >= proposed.Count || index == i)
                    {
                        throw new McpToolException($"subticket {i} depends on {dep}: not another subticket of this list (0 to {proposed.Count - 1})");
                    }

                    edges[i].Add(index);
                }
                else if (!IsTicketId(dep))
                {
                    throw new McpToolException($"subticket {i} depends on '{dep}': give an index in this list or an existing ticket T-n");
                }
            }
        }

        if (Cycle(edges) is { } at)
        {
            throw new McpToolException($"the proposed dependencies make a cycle through subticket {at}");
        }

        var graph = JsonText.Write(w =>
        {
            w.WriteStartArray();
            foreach (var (title, body, deps) in proposed)
            {
                w.WriteStartObject();
                w.WriteString("title", _backend.Redact(title));
                w.WriteString("body", _backend.Redact(body));
                w.WriteStartArray("depends_on");
                deps.ForEach(w.WriteStringValue);
                w.WriteEndArray();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        });

        var key = Convert.ToHexString(RandomNumberGenerator.GetBytes(8));
        _backend.Append(new EventRecord
        {
            Time = _backend.Time.GetUtcNow(),
            Type = EventTypes.SubticketsProposed,
            Ticket = ticket,
            Worker = caller.Worker,
            Message = $"{proposed.Count} subtickets proposed for {ticket} by {caller.Name}",
            Metadata = new Dictionary<string, string> { ["tickets"] = graph, ["by"] = caller.Name, ["key"] = key },
        });
        var id = _backend.Recent(new EventQuery(20, Type: EventTypes.SubticketsProposed, Ticket: ticket))
            .LastOrDefault(e => e.Metadata?.GetValueOrDefault("key") == key)?.Id ?? 0;

        return JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("proposal", id);
            w.WriteString("parent", ticket);
            w.WriteString("status", "proposed: not filed; a person or the prophet accepts it");
            w.WritePropertyName("tickets");
            using (var doc = JsonDocument.Parse(graph))
            {
                doc.RootElement.WriteTo(w);
            }

            w.WriteEndObject();
        });
    }

    private static bool IsTicketId(string text)
    {
        try
        {
            TicketId.Parse(text);
            return text.StartsWith("T-", StringComparison.OrdinalIgnoreCase);
        }
        catch (Core.BatonException)
        {
            return false;
        }
    }

    /// <summary>A subticket on a cycle, or null (depth-first, three colours).</summary>
    private static int? Cycle(List<int>[] edges)
    {
        var state = new int[edges.Length];
        for (var start = 0; start < edges.Length; start++)
        {
            if (Visit(start) is { } found)
            {
                return found;
            }
        }

        return null;

        int? Visit(int node)
        {
            if (state[node] == 1)
            {
                return node;
            }

            if (state[node] == 2)
            {
                return null;
            }

            state[node] = 1;
            foreach (var next in edges[node])
            {
                if (Visit(next) is { } found)
                {
                    return found;
                }
            }

            state[node] = 2;
            return null;
        }
    }
}
