using System.Text.RegularExpressions;
using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Playwright;
using Xunit;

namespace Baton.BrowserTests;

/// <summary>The ticket graph in a real Chromium: a node per ticket, the critical path marked, status colours live.</summary>
public sealed class GraphTests : BrowserTest
{
    [Fact]
    public async Task The_graph_marks_the_longest_chain_and_recolours_a_node_when_its_ticket_moves()
    {
        // Given a chain of three and a ticket on its own
        Repo.Baton("ticket", "create", "Schema").Ok();
        Repo.Baton("ticket", "create", "API", "--depends-on", "T-1").Ok();
        Repo.Baton("ticket", "create", "UI", "--depends-on", "T-2").Ok();
        Repo.Baton("ticket", "create", "Changelog").Ok();
        using var dashboard = DashboardProcess.Start(Repo);

        // When the graph view is opened from its link
        var page = await Browser.OpenAsync(dashboard, "/#graph");
        await Assertions.Expect(page.Locator("section[data-view-panel='graph']:not([hidden]) #graph svg")).ToBeVisibleAsync();

        // Then each ticket is a node with its status, and the chain is the critical path
        foreach (var id in new[] { "T-1", "T-2", "T-3", "T-4" })
        {
            await Assertions.Expect(Node(page, id)).ToHaveClassAsync(new Regex(@"\bstatus-open\b"));
        }

        foreach (var id in new[] { "T-1", "T-2", "T-3" })
        {
            await Assertions.Expect(Node(page, id)).ToHaveClassAsync(new Regex(@"\bcritical\b"));
        }

        await Assertions.Expect(Node(page, "T-4")).Not.ToHaveClassAsync(new Regex(@"\bcritical\b"));
        Assert.True(await page.Locator("#graph svg .edge.critical").CountAsync() >= 2, "the chain's edges are marked critical");

        // And a ticket that moves is recoloured live, in the same document
        await page.EvaluateAsync("() => { window.batonTestMark = 'same document'; }");
        Repo.Baton("ticket", "update", "T-1", "--status", "in-progress").Ok();
        await Assertions.Expect(Node(page, "T-1")).ToHaveClassAsync(new Regex(@"\bstatus-in-progress\b"));
        Assert.Equal("same document", await page.EvaluateAsync<string>("() => window.batonTestMark"));
    }

    private static ILocator Node(IPage page, string id) => page.Locator($"#graph svg [data-node='{id}']");
}
