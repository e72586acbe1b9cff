using Baton.IntegrationTests.Support;
using Microsoft.Playwright;

namespace Baton.BrowserTests.Support;

/// <summary>What the page says it received (window.batonSeenEventIds) next to what the store holds.</summary>
public static class SeenEvents
{
    public static async Task<IReadOnlyList<long>> OfAsync(IPage page) =>
        await page.EvaluateAsync<long[]>("() => (window.batonSeenEventIds || []).map(Number)");

    /// <summary>Every event id in the store, oldest first, as `baton events recent --json` prints them.</summary>
    public static IReadOnlyList<long> InStore(TestRepo repo) =>
        [.. repo.Baton("events", "recent", "5000", "--json").Ok().Json().EnumerateArray()
            .Select(e => e.GetProperty("id").GetInt64()).Order()];

    /// <summary>The store's newest event id.</summary>
    public static long Newest(TestRepo repo) => InStore(repo)[^1];

    /// <summary>Waits (polling in the page) until the page has received event <paramref name="id"/>.</summary>
    public static async Task WaitForAsync(IPage page, long id) =>
        await page.WaitForFunctionAsync("id => (window.batonSeenEventIds || []).map(Number).includes(id)", id,
            new PageWaitForFunctionOptions { Timeout = BrowserSession.WaitMs, PollingInterval = 50 });

    /// <summary>Describes a difference for a failure message.</summary>
    public static string Describe(IReadOnlyList<long> seen, IReadOnlyList<long> store) =>
        $"page saw [{string.Join(',', seen)}]\nstore has [{string.Join(',', store)}]";
}
