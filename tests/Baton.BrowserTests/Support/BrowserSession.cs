using Baton.IntegrationTests.Web;
using Microsoft.Playwright;

namespace Baton.BrowserTests.Support;

/// <summary>
/// One headless Chromium for a test; each viewer is a context of its own (its own cookies and
/// connections, as a separate person's browser would be). Disposing closes the browser and the
/// Playwright driver.
/// </summary>
public sealed class BrowserSession : IAsyncDisposable
{
    /// <summary>How long a page may take to show what a test waits for: generous, the machine is shared with builds.</summary>
    public const float WaitMs = 30_000;

    private readonly IPlaywright _playwright;

    private BrowserSession(IPlaywright playwright, IBrowser browser)
    {
        _playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<BrowserSession> StartAsync(params string[] extraArgs)
    {
        // Playwright's own default for Expect(...) is 5 s, too short on a loaded 2-core machine.
        Assertions.SetDefaultExpectTimeout(WaitMs);
        var (playwright, browser) = await Chromium.LaunchAsync(extraArgs);
        return new BrowserSession(playwright, browser);
    }

    /// <summary>A fresh context with no cookie.</summary>
    public async Task<IPage> AnonymousPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1400, Height = 900 } });
        context.SetDefaultTimeout(WaitMs);
        return await context.NewPageAsync();
    }

    /// <summary>
    /// A page let in the way a person is: it opens the URL the dashboard printed (the token sets
    /// the cookie and the server redirects to /), then goes to <paramref name="path"/>.
    /// </summary>
    public async Task<IPage> OpenAsync(DashboardProcess dashboard, string path = "/")
    {
        var page = await AnonymousPageAsync();
        var login = await page.GotoAsync(dashboard.Url.ToString());
        if (login is null || !login.Ok)
        {
            throw new InvalidOperationException($"the dashboard's URL answered {login?.Status}");
        }

        if (path != "/")
        {
            await page.GotoAsync(new Uri(dashboard.Base, path).ToString());
        }

        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.CloseAsync();
        await Browser.DisposeAsync();
        _playwright.Dispose();
    }
}
