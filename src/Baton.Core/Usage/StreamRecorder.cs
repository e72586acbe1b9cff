using Baton.Core.Agents.Streams;
using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Workers;

namespace Baton.Core.Usage;

/// <summary>
/// Turns a headless agent's parsed stream into store writes, batched: lines go in as they come,
/// and <see cref="Drain"/> hands out everything since the last call as one <see cref="UsageUpdate"/>
/// (one transaction), with one worker_usage event for the tokens added. Thread-safe: the stdout
/// pump feeds it while a timer drains it.
/// </summary>
public sealed class StreamRecorder
{
    private readonly Lock _lock = new();
    private readonly Worker _worker;
    private readonly IAgentStreamParser _parser;
    private readonly Redactor _redactor;
    private readonly TimeProvider _time;
    private readonly List<EventRecord> _events = [];
    private TokenUsage _tokens = TokenUsage.Zero;
    private ContextFill? _context;
    private string? _model;
    private string? _version;

    public StreamRecorder(Worker worker, IAgentStreamParser parser, Redactor redactor, TimeProvider time)
    {
        _worker = worker;
        _parser = parser;
        _redactor = redactor;
        _time = time;
    }

    /// <summary>Parses one line of stdout; returns the rate-limit signals in it (the caller pauses the worker).</summary>
    public IReadOnlyList<AgentStreamEvent> Take(string line)
    {
        var parsed = _parser.Parse(line);
        if (parsed.Count == 0)
        {
            return [];
        }

        var now = _time.GetUtcNow();
        List<AgentStreamEvent>? limits = null;
        lock (_lock)
        {
            foreach (var e in parsed)
            {
                switch (e.Kind)
                {
                    case AgentStreamKind.Usage:
                        _tokens += e.Usage!;
                        break;
                    case AgentStreamKind.Context:
                        _context = _context is null ? e.Context : _context.Then(e.Context!);
                        _model = e.Context!.Model ?? _model;
                        break;
                    default:
                        if (e.Kind == AgentStreamKind.Started)
                        {
                            _version = e.Metadata.GetValueOrDefault("agent_version") ?? _version;
                            _model = e.Metadata.GetValueOrDefault("model") ?? _model;
                        }

                        if (e.Kind == AgentStreamKind.RateLimit)
                        {
                            (limits ??= []).Add(e);
                        }

                        _events.Add(ToRecord(e, now));
                        break;
                }
            }
        }

        return limits ?? (IReadOnlyList<AgentStreamEvent>)[];
    }

    /// <summary>Everything since the last drain as one update, or null when there is nothing.</summary>
    public UsageUpdate? Drain()
    {
        lock (_lock)
        {
            if (_events.Count == 0 && _tokens.IsEmpty && _context is null)
            {
                return null;
            }

            var events = new List<EventRecord>(_events);
            if (!_tokens.IsEmpty)
            {
                events.Add(UsageEvents.For(_worker, _tokens, _time.GetUtcNow()));
            }

            var update = new UsageUpdate(_tokens, _context, events) { Model = _model, AgentVersion = _version };
            _events.Clear();
            _tokens = TokenUsage.Zero;
            _context = null;
            return update;
        }
    }

    private EventRecord ToRecord(AgentStreamEvent e, DateTimeOffset now)
    {
        var type = e.Kind switch
        {
            AgentStreamKind.Started => EventTypes.AgentStarted,
            AgentStreamKind.ToolUse => EventTypes.AgentToolUse,
            AgentStreamKind.ToolError => EventTypes.AgentToolError,
            AgentStreamKind.Retry => EventTypes.AgentRetry,
            AgentStreamKind.Hook => EventTypes.AgentHook,
            AgentStreamKind.Result => EventTypes.AgentResult,
            AgentStreamKind.Error => EventTypes.AgentError,
            AgentStreamKind.Warning => EventTypes.AgentWarning,
            AgentStreamKind.RateLimit => EventTypes.AgentRateLimited,
            _ => throw new ArgumentOutOfRangeException(nameof(e), e.Kind, null),
        };
        // Messages and metadata quote the agent's own text (commands, file paths, error bodies).
        var meta = e.Metadata.ToDictionary(p => p.Key, p => _redactor.Redact(p.Value), StringComparer.Ordinal);
        return Record(type, _redactor.Redact(e.Message), now, meta);
    }

    private EventRecord Record(string type, string message, DateTimeOffset now, IReadOnlyDictionary<string, string> meta) => new()
    {
        Time = now,
        Type = type,
        Worker = _worker.Name,
        Ticket = _worker.TicketId,
        Role = _worker.Role,
        Message = message,
        Metadata = meta.Count == 0 ? null : meta,
    };
}
