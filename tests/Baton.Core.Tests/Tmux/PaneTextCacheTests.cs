using Baton.Core.Tmux;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Tmux;

public sealed class PaneTextCacheTests
{
    private static readonly PaneTarget Pane = new("sock", "w1");

    [Fact]
    public async Task Many_readers_within_a_second_share_one_capture()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        var cache = new PaneTextCache(p => $"{p.Session} #{Interlocked.Increment(ref calls)}", time);

        var texts = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => cache.TextAsync(Pane)));
        time.Advance(TimeSpan.FromMilliseconds(999));
        var still = await cache.TextAsync(Pane);

        Assert.All(texts, t => Assert.Equal("w1 #1", t));
        Assert.Equal("w1 #1", still);
        Assert.Equal(1, calls);

        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal("w1 #2", await cache.TextAsync(Pane));
        Assert.Equal(2, cache.Captures);
    }

    [Fact]
    public async Task Each_pane_has_its_own_capture_and_a_failure_is_shared_too()
    {
        var time = new FakeTimeProvider();
        var calls = 0;
        var cache = new PaneTextCache(p => Interlocked.Increment(ref calls) > 0 && p.Session == "gone" ? throw new TmuxSessionNotFoundException(["capture-pane"], 1, "can't find session: gone") : p.Session, time);

        Assert.Equal("w1", await cache.TextAsync(Pane));
        await Assert.ThrowsAsync<TmuxSessionNotFoundException>(() => cache.TextAsync(new PaneTarget("sock", "gone")));
        await Assert.ThrowsAsync<TmuxSessionNotFoundException>(() => cache.TextAsync(new PaneTarget("sock", "gone")));

        Assert.Equal(2, calls);
    }
}
