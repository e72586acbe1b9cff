using Baton.Core.Events;
using Baton.Infrastructure.Storage.Postgres;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Storage;

/// <summary>LISTEN/NOTIFY: a write committed by any connection to the shared store wakes a listening loop.</summary>
public sealed class PostgresWakeTests : IClassFixture<PostgresServer>
{
    private readonly PostgresDatabase _db;

    public PostgresWakeTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
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
}
