using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Playwright;
using Xunit;

namespace Baton.BrowserTests;

/// <summary>A worker's live terminal and its plain-text pane in a real Chromium, on a scripted agent in real tmux.</summary>
public sealed class TerminalTests : BrowserTest
{
    private const string TerminalText = "() => typeof window.batonTerminalText === 'function' ? window.batonTerminalText() : ''";

    [Fact]
    public async Task The_terminal_shows_the_agent_live_and_a_message_sent_from_it_reaches_the_agent()
    {
        // Given a scripted agent at its prompt, and its terminal open in the browser
        Repo.Baton("spawn", "--agent", "scripted", "--name", "term-worker", "@say ready for the browser").Ok();
        Repo.WaitForState("term-worker", "idle");
        using var dashboard = DashboardProcess.Start(Repo);
        var page = await Browser.OpenAsync(dashboard, "/terminal.html?worker=term-worker");
        await Assertions.Expect(page.Locator("#terminal-state")).ToHaveTextAsync("live");
        await WaitForTextAsync(page, "● ready for the browser");

        // When something new happens in the pane (typed by the CLI, not the page), it appears live
        Repo.Baton("send", "term-worker", "@say written after the page opened").Ok();
        await WaitForTextAsync(page, "● written after the page opened");

        // And a message sent from the page's box reaches the agent, which acts on it
        await page.Locator("#send-text").FillAsync("@say typed in the browser");
        await page.Locator("#send-button").ClickAsync();
        await Assertions.Expect(page.Locator("#send-result")).Not.ToBeEmptyAsync();
        await WaitForTextAsync(page, "● typed in the browser");
        Assert.Contains("● typed in the browser", Repo.Baton("capture", "term-worker", "--lines", "40").Ok().Stdout, StringComparison.Ordinal);
        // The store recorded it as a verified message of that length (the CLI's send before it is the other one)
        var sent = SentMessages();
        Assert.Equal(2, sent.Count);
        Assert.Equal(("@say typed in the browser".Length.ToString(System.Globalization.CultureInfo.InvariantCulture), "true"), sent[^1]);

        // The plain-text pane of a phone shows the same screen
        var pane = await Browser.OpenAsync(dashboard, "/pane.html?worker=term-worker");
        await Assertions.Expect(pane.Locator("#pane-text")).ToContainTextAsync("● typed in the browser");
        Assert.DoesNotContain("\u001b[", await pane.Locator("#pane-text").TextContentAsync() ?? "", StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_terminal_of_an_unknown_worker_says_so()
    {
        using var dashboard = DashboardProcess.Start(Repo);
        var page = await Browser.OpenAsync(dashboard, "/terminal.html?worker=nobody-here");
        await Assertions.Expect(page.Locator("#terminal-state")).Not.ToHaveTextAsync("live");
        await Assertions.Expect(page.Locator("#terminal-state")).ToContainTextAsync("unknown");
    }

    [Fact]
    public async Task The_workers_view_links_each_worker_to_its_terminal()
    {
        Repo.Baton("spawn", "--agent", "scripted", "--name", "linked-worker", "@say linked").Ok();
        Repo.WaitForState("linked-worker", "idle");
        using var dashboard = DashboardProcess.Start(Repo);
        var page = await Browser.OpenAsync(dashboard);
        await page.Locator("[data-view='workers']").First.ClickAsync();
        var row = page.Locator("section[data-view-panel='workers']:not([hidden]) #workers [data-worker='linked-worker']");
        await Assertions.Expect(row.Locator(".state")).ToContainTextAsync("idle");

        // It opens in a tab of its own
        var terminal = await page.Context.RunAndWaitForPageAsync(() => row.Locator("a.terminal-link").ClickAsync());
        await terminal.WaitForURLAsync("**/terminal.html?worker=linked-worker");
        await WaitForTextAsync(terminal, "● linked");
    }

    private static async Task WaitForTextAsync(IPage page, string text)
    {
        try
        {
            await page.WaitForFunctionAsync($"text => ({TerminalText})().includes(text)", text,
                new PageWaitForFunctionOptions { Timeout = BrowserSession.WaitMs, PollingInterval = 100 });
        }
        catch (TimeoutException e)
        {
            var shown = await page.EvaluateAsync<string>(TerminalText);
            throw new Xunit.Sdk.XunitException($"the terminal never showed \"{text}\" ({e.Message}); it shows:\n{shown}");
        }
    }

    /// <summary>(chars, verified) of each message typed to the worker, oldest first.</summary>
    private List<(string Chars, string Verified)> SentMessages() =>
        [.. Repo.Baton("events", "recent", "100", "--worker", "term-worker", "--type", "worker_message_sent", "--json").Ok().Json()
            .EnumerateArray().OrderBy(e => e.GetProperty("id").GetInt64())
            .Select(e => (e.GetProperty("metadata").GetProperty("chars").GetString()!, e.GetProperty("metadata").GetProperty("verified").GetString()!))];
}
