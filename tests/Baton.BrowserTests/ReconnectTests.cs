using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Playwright;
using Xunit;

namespace Baton.BrowserTests;

/// <summary>
/// The page's event stream across a dashboard that goes away and comes back on the same port:
/// the browser reconnects by itself and ends up with every event of the store exactly once.
/// </summary>
public sealed class ReconnectTests : BrowserTest
{
    [Fact]
    public async Task After_the_connection_is_cut_and_restored_no_event_is_missing_or_repeated()
    {
        // Given a page open on a store with some history, live
        for (var i = 0; i < 5; i++)
        {
            Log($"before the page {i}");
        }

        var first = DashboardProcess.Start(Repo);
        var port = first.Base.Port;
        IPage page;
        try
        {
            page = await Browser.OpenAsync(first);
            await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live");
            await Assertions.Expect(page.Locator("#live")).Not.ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\boff\b"));
            await SeenEvents.WaitForAsync(page, SeenEvents.Newest(Repo));
            Log("while connected");
            await SeenEvents.WaitForAsync(page, SeenEvents.Newest(Repo));
            await Assertions.Expect(page.Locator($"#events li[data-event-id='{SeenEvents.Newest(Repo)}']")).ToContainTextAsync("while connected");
        }
        finally
        {
            // When the dashboard goes away (its process killed: the connection is cut, not closed politely)
            first.Dispose();
        }

        await Assertions.Expect(page.Locator("#live")).ToHaveClassAsync(new System.Text.RegularExpressions.Regex(@"\boff\b"));
        for (var i = 0; i < 4; i++)
        {
            Log($"while the dashboard was down {i}");
        }

        // And comes back on the same port
        using var second = StartOn(port);

        // Then the page is live again by itself and catches up
        await Assertions.Expect(page.Locator("#live")).ToHaveTextAsync("live");
        await SeenEvents.WaitForAsync(page, SeenEvents.Newest(Repo));
        Log("after the reconnect");
        var newest = SeenEvents.Newest(Repo);
        await SeenEvents.WaitForAsync(page, newest);
        await Assertions.Expect(page.Locator($"#events li[data-event-id='{newest}']")).ToContainTextAsync("after the reconnect");

        // With every event of the store from the first one it showed, each exactly once
        var seen = await SeenEvents.OfAsync(page);
        var store = SeenEvents.InStore(Repo);
        var describe = SeenEvents.Describe(seen, store);
        Assert.True(seen.Count == seen.Distinct().Count(), "an event arrived twice\n" + describe);
        Assert.True(store.Where(id => id >= seen.Min()).SequenceEqual(seen.Order()), "the page missed events\n" + describe);
        Assert.True(seen.Min() == store[0], "the page started from the beginning of this short log\n" + describe);
        Assert.Equal(store.Count, await page.Locator("#events li[data-event-id]").CountAsync());
    }

    /// <summary>The port was just freed by a killed process: a moment may pass before it can be bound again (the start fails with "already in use").</summary>
    private DashboardProcess StartOn(int port)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return DashboardProcess.Launch(Repo, new Dictionary<string, string>(), ["dashboard", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            }
            catch (AggregateException) when (DateTime.UtcNow < deadline)
            {
                Thread.Sleep(200);
            }
        }
    }

    private void Log(string message) => Repo.Baton("events", "log", "note", message).Ok();
}
