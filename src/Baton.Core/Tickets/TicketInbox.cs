using System.Text.Json;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Storage;

namespace Baton.Core.Tickets;

/// <summary>What one inbox import did.</summary>
public sealed record InboxOutcome(IReadOnlyList<(string File, Ticket Ticket)> Imported, IReadOnlyList<(string File, string Error)> Rejected);

/// <summary>
/// Turns task files in <c>.baton/inbox/</c> into tickets. Imported files move to
/// <c>inbox/processed/</c>; malformed ones to <c>inbox/rejected/</c> with a <c>.error</c> file
/// saying why. Nothing is silently dropped.
/// </summary>
public sealed class TicketInbox
{
    private readonly TicketService _tickets;
    private readonly IStore _store;
    private readonly string _inbox;
    private readonly TimeProvider _time;
    private readonly IFiles _files;

    public TicketInbox(TicketService tickets, IStore store, string batonDir, TimeProvider time, IFiles files)
    {
        _tickets = tickets;
        _store = store;
        _inbox = Path.Combine(batonDir, "inbox");
        _time = time;
        _files = files;
    }

    public InboxOutcome Import()
    {
        var imported = new List<(string, Ticket)>();
        var rejected = new List<(string, string)>();
        if (!_files.DirectoryExists(_inbox))
        {
            return new InboxOutcome(imported, rejected);
        }

        // Oldest first, so a task can depend on one dropped before it.
        foreach (var file in _files.ListFiles(_inbox, "*.json").OrderBy(f => f.LastWriteUtc).ThenBy(f => f.Name, StringComparer.Ordinal))
        {
            try
            {
                var task = TicketResultJson.ReadInbox(_files.ReadText(file.Path));
                var ticket = _tickets.Create(ToRequest(task, file.Name));
                Move(file.Path, "processed");
                imported.Add((file.Name, ticket));
            }
#pragma warning disable CA1031 // one bad file must be set aside with its reason, never block the others
            catch (Exception e)
#pragma warning restore CA1031
            {
                var why = e is JsonException j ? "not a valid task file: " + j.Message : e.Message;
                var moved = Move(file.Path, "rejected");
                _files.WriteText(moved + ".error", why + "\n");
                rejected.Add((file.Name, why));
                _store.AppendEvent(new EventRecord { Time = _time.GetUtcNow(), Type = EventTypes.InboxRejected, Message = $"{file.Name}: {why}" });
            }
        }

        return new InboxOutcome(imported, rejected);
    }

    private CreateTicketRequest ToRequest(InboxTask task, string file)
    {
        var title = task.Title ?? FirstLine(task.Description);
        if (string.IsNullOrWhiteSpace(title))
        {
            throw BatonException.Usage("the task has neither a title nor a description");
        }

        // Dependencies name other inbox tasks by their task_id, or tickets as T-n.
        var deps = (task.Dependencies ?? []).Select(d =>
            _tickets.FindByExternalId(d) is { } t ? t.Id : TicketId.Normalize(d)).ToList();
        return new CreateTicketRequest
        {
            Title = title,
            Body = task.Description ?? "",
            Priority = task.Priority,
            Labels = task.Labels ?? [],
            Feature = task.Feature,
            DependsOn = deps,
            Role = task.Role,
            Worker = task.Worker,
            TimeLimitMinutes = task.Timeout is { } seconds ? Math.Max(1, (seconds + 59) / 60) : null,
            Source = "file:inbox/" + file,
            ExternalId = task.TaskId,
        };
    }

    private static string FirstLine(string? text) => (text ?? "").Trim().Split('\n')[0].Trim() is var l && l.Length > 120 ? l[..120] : l;

    private string Move(string file, string folder)
    {
        var dir = Path.Combine(_inbox, folder);
        _files.CreateDirectory(dir);
        var target = Path.Combine(dir, Path.GetFileName(file));
        if (_files.FileExists(target))
        {
            target = Path.Combine(dir, $"{Path.GetFileNameWithoutExtension(file)}-{_time.GetUtcNow().ToUnixTimeMilliseconds()}.json");
        }

        _files.Move(file, target);
        return target;
    }
}
