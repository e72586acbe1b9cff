using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Playwright;
using Xunit;

namespace Baton.BrowserTests;

/// <summary>The workers view's buttons in a real Chromium: they act on a scripted agent in real tmux, and a refusal shows its reason.</summary>
public sealed class WorkersTests : BrowserTest
{
    [Fact]
    public async Task Approve_answers_the_agents_question_and_kill_ends_it_while_a_refused_action_shows_why()
    {
        // Given an agent waiting on a permission question, on the workers view
        Repo.Baton("spawn", "--agent", "scripted", "--name", "asker", "@ask Deploy to staging?\n@say after the question").Ok();
        Repo.WaitForState("asker", "waiting");
        using var dashboard = DashboardProcess.Start(Repo);
        var page = await Browser.OpenAsync(dashboard);
        await page.Locator("[data-view='workers']").First.ClickAsync();
        var row = page.Locator("section[data-view-panel='workers']:not([hidden]) #workers [data-worker='asker']");
        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("waiting");
        await Assertions.Expect(page.Locator("#nodes-panel")).ToBeHiddenAsync(); // no node registered: no fleet panel

        // When approve is pressed, the agent gets its answer and goes on
        await row.Locator("button[data-action='approve']").ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("approve: asker done");
        TestRepo.WaitUntil(() => Repo.Baton("capture", "asker", "--lines", "30").Stdout.Contains("● after the question", StringComparison.Ordinal), "the agent went on after the answer");

        // And once Baton observes the new state (here `baton list`; under `baton up` its monitor), the row follows live
        Repo.WaitForState("asker", "idle");
        await Assertions.Expect(row.Locator(".state")).ToHaveTextAsync("idle");

        // A second approve has nothing to answer: the server's reason is shown, nothing happens
        await row.Locator("button[data-action='approve']").ClickAsync();
        await Assertions.Expect(page.Locator("#toast.error")).ToContainTextAsync("is not waiting on a permission question");

        // Kill ends it through the same service as `baton kill`
        await row.Locator("button[data-action='kill']").ClickAsync();
        await Assertions.Expect(page.Locator("#toast")).ToContainTextAsync("kill: asker done");
        Assert.Equal("killed", Repo.State("asker"));
        Assert.Equal("", Repo.Tmux("list-sessions", "-F", "#{session_name}").Stdout.Trim());
    }

    [Fact]
    public async Task The_nodes_panel_lists_the_fleet_as_baton_nodes_does()
    {
        // Given a node that registered, found nothing to do and stopped
        Repo.Baton("node", "--name", "solo", "--capacity", "2", "--labels", "gpu", "--until-done", "--plain").Ok();
        using var dashboard = DashboardProcess.Start(Repo);
        var page = await Browser.OpenAsync(dashboard);
        await page.Locator("[data-view='workers']").First.ClickAsync();

        // Then the workers view shows it under the workers, with its status, leases of its capacity and labels
        var row = page.Locator("section[data-view-panel='workers']:not([hidden]) #nodes-panel #nodes [data-node='solo']");
        await Assertions.Expect(row.Locator(".status")).ToHaveTextAsync("stopped");
        await Assertions.Expect(row.Locator(".leases")).ToHaveTextAsync("0/2");
        await Assertions.Expect(row.Locator(".labels")).ToHaveTextAsync("gpu");
        await Assertions.Expect(row.Locator(".heartbeat")).ToHaveTextAsync(new System.Text.RegularExpressions.Regex(@"^\d+s ago$"));
    }
}
