using Baton.BrowserTests.Support;
using Xunit;

namespace Baton.BrowserTests;

/// <summary>The browser the tests run on: Debian's chromium, and a clear failure (never a silent skip) without it.</summary>
public sealed class ChromiumTests
{
    [Fact]
    public async Task A_missing_chromium_fails_with_how_to_install_it()
    {
        var missing = Path.Combine(Path.GetTempPath(), "no-chromium-" + Guid.NewGuid().ToString("N"), "chromium");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Chromium.LaunchAsync(missing, []));

        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
        Assert.Contains("apt-get install chromium", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_installed_chromium_starts_headless_and_renders_a_page()
    {
        await using var session = await BrowserSession.StartAsync();
        var page = await session.AnonymousPageAsync();

        await page.SetContentAsync("<p id='x'>rendered</p>");

        Assert.Equal("rendered", await page.Locator("#x").TextContentAsync());
        Assert.Matches(@"^\d+\.", session.Browser.Version);
    }
}
