using Baton.Core.Events;
using Baton.Infrastructure.Storage.Sqlite;
using Baton.Web;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.IntegrationTests.Web;

/// <summary>The dashboard's one poller on a real SQLite store: no gap, no repeat, readers behind its memory, wake-ups.</summary>
public sealed class EventHubTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-hub-").FullName;

    private string Db => Path.Combine(_dir, "baton.db");

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void A_reader_behind_the_memory_gets_every_event_from_the_store_and_a_recent_one_from_memory()
    {
        using var writer = SqliteStore.Open(Db, create: true);
        using var feed = SqliteStore.Open(Db, create: false);
        using var hub = new EventHub(feed, new FakeTimeProvider(), TimeSpan.FromSeconds(1));

        // 6,000 events arrive at once (more than the hub keeps) on another connection
        writer.AppendEvents(Enumerable.Range(1, 6000).Select(Note));
        hub.Poll();

        // A reader from the start pages through all of them, oldest first, with no gap or repeat
        var ids = new List<long>();
        for (var after = 0L; ;)
        {
            var page = hub.Read(after, 700);
            if (page.Count == 0)
            {
                break;
            }

            ids.AddRange(page.Select(e => e.Id));
            after = page[^1].Id;
        }

        Assert.Equal(6000, ids.Count);
        Assert.Equal(ids.Order().Distinct(), ids);
        Assert.Equal(hub.LastId, ids[^1]);
        Assert.Equal(["note 5998", "note 5999", "note 6000"], hub.Read(ids[^4], 10).Select(e => e.Message));
    }

    [Fact]
    public async Task A_waiting_stream_wakes_only_once_the_poller_saw_a_new_event()
    {
        using var writer = SqliteStore.Open(Db, create: true);
        writer.AppendEvent(Note(1));
        using var feed = SqliteStore.Open(Db, create: false);
        using var hub = new EventHub(feed, new FakeTimeProvider(), TimeSpan.FromSeconds(1));
        var last = hub.LastId;

        var woken = hub.WaitAfterAsync(last, CancellationToken.None);
        hub.Poll();
        Assert.False(woken.IsCompleted, "nothing changed: no wake-up");

        writer.AppendEvent(Note(2));
        Assert.False(woken.IsCompleted, "not before the poll");
        hub.Poll();
        await woken.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("note 2", Assert.Single(hub.Read(last, 10)).Message);
        Assert.True(hub.WaitAfterAsync(last, CancellationToken.None).IsCompleted, "already past: at once");
    }

    private static EventRecord Note(int n) => new() { Time = DateTimeOffset.UnixEpoch.AddSeconds(n), Type = "note", Message = "note " + n };
}
