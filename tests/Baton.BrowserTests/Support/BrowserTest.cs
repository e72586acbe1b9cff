using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.BrowserTests.Support;

/// <summary>What every browser test has: its own test repository (with its own tmux server) and a Chromium session, both stopped after it.</summary>
public abstract class BrowserTest : IAsyncLifetime
{
    protected TestRepo Repo { get; } = new();

    protected BrowserSession Browser { get; private set; } = null!;

    public async Task InitializeAsync() => Browser = await BrowserSession.StartAsync();

    public virtual async Task DisposeAsync()
    {
        await Browser.DisposeAsync();
        Repo.Dispose();
    }
}
