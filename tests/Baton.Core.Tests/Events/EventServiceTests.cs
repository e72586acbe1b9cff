using Baton.Core.Events;
using Baton.Core.Security;
using Baton.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Events;

public sealed class EventServiceTests : IDisposable
{
    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
    private readonly EventService _events;

    public EventServiceTests()
    {
        _events = new EventService(_db.Store, _time, new Redactor([new("API_TOKEN", "s3cret-value")]));
    }

    public void Dispose() => _db.Dispose();

    private void Note(string message) => _events.Log(new EventLogRequest("note", message));

    [Fact]
    public async Task Follow_gives_the_backlog_then_each_new_event_once_as_the_clock_moves()
    {
        // Given two events already there
        Note("one");
        Note("two");
        using var stop = new CancellationTokenSource();
        await using var follow = _events.FollowAsync(_events.Query(10, type: "note"), stop.Token).GetAsyncEnumerator();

        // When the follower starts, then a third event is written and the poll comes round
        Assert.True(await follow.MoveNextAsync());
        Assert.Equal(["one", "two"], follow.Current.Select(e => e.Message));
        Note("three");
        var next = follow.MoveNextAsync();
        Assert.False(next.IsCompleted);
        _time.Advance(EventService.FollowPoll);

        // Then only the new one comes, and cancelling ends the follow
        Assert.True(await next);
        Assert.Equal(["three"], follow.Current.Select(e => e.Message));
        var after = follow.MoveNextAsync();
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await after);
    }

    [Fact]
    public void Log_checks_type_worker_and_metadata_and_redacts_secrets()
    {
        Assert.Equal(2, Assert.Throws<BatonException>(() => _events.Log(new EventLogRequest("BAD", "x"))).ExitCode);
        Assert.Equal(2, Assert.Throws<BatonException>(() => _events.Log(new EventLogRequest("note", "x") { Worker = "Bad Name" })).ExitCode);
        Assert.Equal(2, Assert.Throws<BatonException>(() => _events.Log(new EventLogRequest("note", "x") { Meta = ["=x"] })).ExitCode);

        _events.Log(new EventLogRequest("deploy", "token s3cret-value used") { Worker = "w1", Meta = ["key=s3cret-value"] });

        var e = Assert.Single(_events.Recent(_events.Query(5, type: "deploy")));
        Assert.Equal("token [REDACTED] used", e.Message);
        Assert.Equal("[REDACTED]", e.Metadata!["key"]);
    }

    [Fact]
    public async Task Import_appends_every_line_and_names_the_bad_one()
    {
        var count = await _events.ImportAsync(new StringReader("{\"type\":\"a_b\",\"message\":\"m\"}\n\n{\"type\":\"c_d\"}\n"), "in.jsonl", CancellationToken.None);
        Assert.Equal(2, count);

        var bad = await Assert.ThrowsAsync<BatonException>(() => _events.ImportAsync(new StringReader("{\"type\":\"ok_1\"}\n{\"message\":\"no type\"}\n"), "in.jsonl", CancellationToken.None));
        Assert.Contains("in.jsonl:2: 'type' is missing", bad.Message);
    }

    [Fact]
    public void Queries_are_checked()
    {
        Assert.Equal(2, Assert.Throws<BatonException>(() => _events.Query(0)).ExitCode);
        Assert.Equal(2, Assert.Throws<BatonException>(() => _events.Query(5, since: "yesterday-ish")).ExitCode);
        Assert.Equal(_time.GetUtcNow().AddMinutes(-10), _events.Query(5, since: "10m").Since);
        Assert.Equal("T-3", _events.Query(5, ticket: "3").Ticket);
    }
}
