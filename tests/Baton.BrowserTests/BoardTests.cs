using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Playwright;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.BrowserTests;

/// <summary>The board in a real Chromium while `baton up` has a scripted agent work a ticket.</summary>
public sealed class BoardTests : BrowserTest
{
    private readonly string _go = Path.Combine(Path.GetTempPath(), "baton-board-go-" + Guid.NewGuid().ToString("N")[..10]);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        File.Delete(_go);
    }

    [Fact]
    public async Task A_card_moves_columns_live_while_a_scripted_agent_works_its_ticket()
    {
        // Given a ticket whose agent holds on in the middle of its work until the test lets it go
        Configure(Repo);
        var id = Ticket(Repo, "Shown on the board",
            $"@say working on the board ticket\n@run while [ ! -e '{_go}' ]; do sleep 0.1; done\n@write board.txt from the board test\n@commit T-1: board work\n@run baton ticket done T-1 --summary \"board.txt written\"");
        using var dashboard = DashboardProcess.Start(Repo);
        var page = await Browser.OpenAsync(dashboard);
        await Card(page, "open", id).WaitForAsync();
        await Assertions.Expect(Card(page, "open", id)).ToContainTextAsync("Shown on the board");
        // A mark that a reload would wipe: the card must move in this same document
        await page.EvaluateAsync("() => { window.batonTestMark = 'same document'; }");

        // When the autopilot starts it
        using var up = Repo.StartBaton("up", "--until-done", "--plain");
        try
        {
            // Then the card moves to in-progress while the agent works, and to done once merged
            await Card(page, "in-progress", id).WaitForAsync();
            Assert.Equal(0, await page.Locator($"[data-column='open'] [data-ticket='{id}']").CountAsync());
            Assert.Equal("in-progress", Status(Repo, id));
            await File.WriteAllTextAsync(_go, "go");
            await Card(page, "done", id).WaitForAsync();
            Assert.Equal("done", Status(Repo, id));
            Assert.Equal(1, await page.Locator($"#board [data-ticket='{id}']").CountAsync());
            Assert.Equal("same document", await page.EvaluateAsync<string>("() => window.batonTestMark"));
            Assert.True(up.WaitForExit(60_000), "baton up --until-done ended once the ticket was done");
        }
        finally
        {
            if (!up.HasExited)
            {
                up.Kill(entireProcessTree: true);
                up.WaitForExit(10_000);
            }
        }
    }

    private static ILocator Card(IPage page, string status, string id) =>
        page.Locator($"#board [data-column='{status}'] [data-ticket='{id}']");
}
