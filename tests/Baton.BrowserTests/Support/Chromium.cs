using Microsoft.Playwright;

namespace Baton.BrowserTests.Support;

/// <summary>
/// Debian's chromium driven by Playwright: the executable the test script installs with apt-get,
/// never a browser Playwright downloads (`playwright install` is not needed and not used).
/// </summary>
public static class Chromium
{
    /// <summary>Where Debian's `chromium` package puts it; BATON_CHROMIUM overrides it.</summary>
    public const string DefaultPath = "/usr/bin/chromium";

    public static string ExecutablePath =>
        Environment.GetEnvironmentVariable("BATON_CHROMIUM") is { Length: > 0 } path ? path : DefaultPath;

    /// <summary>
    /// Headless on a machine with no display, no GPU, a small /dev/shm and no network beyond the
    /// loopback: nothing the browser does on its own (updates, sync, field trials) gets in the way.
    /// </summary>
    public static IReadOnlyList<string> Args { get; } =
    [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-extensions",
        "--disable-sync",
        "--no-first-run",
        "--disable-component-update",
        "--disable-features=Translate,MediaRouter,OptimizationHints",
    ];

    /// <summary>Starts Playwright's driver and the browser; a missing chromium is a failure that says how to get it.</summary>
    public static Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(params string[] extraArgs) => LaunchAsync(ExecutablePath, extraArgs);

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync(string path, string[] extraArgs)
    {
        if (!File.Exists(path))
        {
            throw new InvalidOperationException(
                $"the browser tests need Chromium at {path}: run scripts/test.sh (it installs Debian's `chromium` package) "
                + "or `apt-get install chromium`, or point BATON_CHROMIUM at a Chromium executable");
        }

        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = path,
                Headless = true,
                Args = [.. Args, .. extraArgs],
                Timeout = 60_000,
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
