using Baton.Core.Events;
using Baton.Infrastructure.Storage.Postgres;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>LISTEN/NOTIFY: a write committed by any connection to the shared store wakes a listening loop.</summary>
public sealed class PostgresWakeTests : IClassFixture<PostgresServer>
{
    private readonly PostgresServer _server;
    private readonly PostgresDatabase _db;

    public PostgresWakeTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _server = server;
        _db = server.CreateDatabase();
    }

    private PostgresStore Open(bool create) => PostgresStore.Open(PostgresUrl.Parse(_db.Url), _db.Password, create);

    [Fact]
    public async Task Another_processs_commit_wakes_the_loop_and_the_loops_own_wait_holds_until_then()
    {
        using var loop = Open(create: true);
        using var other = Open(create: false);
        using var wake = PostgresWake.TryStart(loop, files: null);
        Assert.NotNull(wake);
        var before = wake.Mark;
        var next = wake.NextAsync(before, CancellationToken.None);
        Assert.False(next.IsCompleted);

        other.AppendEvent(new EventRecord { Time = DateTimeOffset.UtcNow, Type = "note", Message = "from another node" });

        await next.WaitAsync(TimeSpan.FromSeconds(10)); // the NOTIFY of the commit arrives (a TimeoutException fails it)
        Assert.True(wake.Mark.Store > before.Store);
        Assert.True(wake.NextAsync(before, CancellationToken.None).IsCompleted); // a mark already passed completes at once
    }

    [Fact]
    public async Task After_its_connection_is_cut_and_the_network_comes_back_the_listener_listens_again_and_a_commit_wakes_the_loop()
    {
        // Given a loop that reaches the store through a relay the test can cut, listening
        using (Open(create: true))
        {
        }

        using var relay = new TcpRelay(_server.Port);
        var port = _server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var relayed = _db.Url.Replace($":{port}/", $":{relay.Port.ToString(System.Globalization.CultureInfo.InvariantCulture)}/", StringComparison.Ordinal);
        using var loop = PostgresStore.Open(PostgresUrl.Parse(relayed), _db.Password, create: false);
        using var other = Open(create: false);
        using var wake = PostgresWake.TryStart(loop, files: null);
        Assert.NotNull(wake);

        // When the network to the store goes and comes back
        relay.Cut();
        TestRepo.WaitUntil(() => !wake.Listening, "the listener saw its connection go", 30);
        relay.Restore();

        // Then, without anything else asking, the listener opens a connection again (and wakes the
        // loop once for what it missed), and another connection's commit wakes the loop again
        TestRepo.WaitUntil(() => wake.Reopened == 1, "the listener listened again", 60);
        var mark = wake.Mark;
        var next = wake.NextAsync(mark, CancellationToken.None);
        Assert.False(next.IsCompleted);
        other.AppendEvent(new EventRecord { Time = DateTimeOffset.UtcNow, Type = "note", Message = "after the cut" });
        var woken = await Task.WhenAny(next, Task.Delay(TimeSpan.FromSeconds(10))) == next;

        Assert.True(woken, "no commit woke the loop after the network came back");
        Assert.True(wake.Listening);
        Assert.Equal(1, wake.Reopened);
    }
}
