using Baton.Core.Handoff;
using Baton.Core.Tests.Fakes;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Handoff;

public sealed class SectionWaitTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 2, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFiles _files = new();
    private const string Path = "/repo/.baton/handoff/H-1.section.json";

    /// <summary>Advances the fake clock in poll steps until the wait ends (at most <paramref name="steps"/>).</summary>
    private async Task<string?> Run(Task<string?> wait, int steps, Action<int>? each = null)
    {
        for (var i = 0; i < steps && !wait.IsCompleted; i++)
        {
            each?.Invoke(i);
            await Task.Yield();
            _time.Advance(SectionWait.Poll);
            await Task.Delay(1);
        }

        Assert.True(wait.IsCompleted, "the wait did not end");
        return await wait;
    }

    [Fact]
    public async Task No_section_by_the_timeout_ends_the_wait_with_nothing()
    {
        var wait = SectionWait.ForAsync(_files, _time, Path, TimeSpan.FromMinutes(2), () => true, CancellationToken.None);

        Assert.Null(await Run(wait, 300));
        Assert.True(_time.GetUtcNow() >= new DateTimeOffset(2026, 3, 2, 9, 2, 0, TimeSpan.Zero), "not before the timeout");
        Assert.True(_time.GetUtcNow() < new DateTimeOffset(2026, 3, 2, 9, 2, 2, TimeSpan.Zero), "not long after it");
    }

    [Fact]
    public async Task A_section_written_meanwhile_is_read_at_once()
    {
        var wait = SectionWait.ForAsync(_files, _time, Path, TimeSpan.FromMinutes(2), () => true, CancellationToken.None);

        var text = await Run(wait, 300, i => { if (i == 10) { _files.WriteText(Path, "{\"goal\":\"g\"}"); } });

        Assert.Equal("{\"goal\":\"g\"}", text);
        Assert.True(_time.GetUtcNow() < new DateTimeOffset(2026, 3, 2, 9, 0, 10, TimeSpan.Zero));
    }

    [Fact]
    public async Task An_agent_that_is_gone_ends_the_wait_before_the_timeout()
    {
        var alive = true;
        var wait = SectionWait.ForAsync(_files, _time, Path, TimeSpan.FromMinutes(2), () => alive, CancellationToken.None);

        Assert.Null(await Run(wait, 300, i => { if (i == 4) { alive = false; } }));
        Assert.True(_time.GetUtcNow() < new DateTimeOffset(2026, 3, 2, 9, 0, 5, TimeSpan.Zero));
    }
}
