using Baton.BrowserTests.Support;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;
using Microsoft.Playwright;
using Xunit;

namespace Baton.BrowserTests;

/// <summary>A browser without the token gets nothing: not the page, not the API, not the stream.</summary>
public sealed class TokenTests : BrowserTest
{
    private const string Title = "Only for the token holder";

    [Fact]
    public async Task Without_the_token_every_request_is_refused_and_the_page_shows_no_data()
    {
        Repo.Baton("ticket", "create", Title).Ok();
        using var dashboard = DashboardProcess.Start(Repo);

        // A browser that never saw the token: the page and each API answer 401, and no ticket shows
        var stranger = await Browser.AnonymousPageAsync();
        var answer = await stranger.GotoAsync(dashboard.Base.ToString());
        Assert.Equal(401, answer!.Status);
        foreach (var path in new[] { "/terminal.html?worker=w", "/pane.html?worker=w" })
        {
            Assert.Equal(401, (await stranger.GotoAsync(new Uri(dashboard.Base, path).ToString()))!.Status);
        }

        Assert.DoesNotContain(Title, await stranger.ContentAsync(), StringComparison.Ordinal);
        Assert.Equal(0, await stranger.Locator("[data-ticket]").CountAsync());
        foreach (var path in new[] { "api/tickets", "api/workers", "api/events", "api/stream", "api/session", "api/tickets?token=wrong" })
        {
            var response = await stranger.APIRequest.GetAsync(new Uri(dashboard.Base, path).ToString());
            Assert.True(response.Status == 401, $"{path} answered {response.Status}");
            Assert.DoesNotContain(Title, await response.TextAsync(), StringComparison.Ordinal);
        }

        // From inside the page too: a script's fetch and EventSource get nothing
        var fetched = await stranger.EvaluateAsync<int>("async () => (await fetch('/api/tickets')).status");
        Assert.Equal(401, fetched);

        // A wrong token in the URL sets no cookie and shows nothing
        var wrong = await stranger.GotoAsync(new Uri(dashboard.Base, "/?token=" + new string('0', dashboard.Token.Length)).ToString());
        Assert.Equal(401, wrong!.Status);
        Assert.Empty(await stranger.Context.CookiesAsync());

        // While the same browser with the printed URL sees the ticket (the refusal above is the token's doing)
        var owner = await Browser.OpenAsync(dashboard);
        await Assertions.Expect(owner.GetByText(Title).First).ToBeVisibleAsync();
        var cookie = Assert.Single(await owner.Context.CookiesAsync());
        Assert.True(cookie.HttpOnly, "the token cookie is HttpOnly");
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.Equal("", await owner.EvaluateAsync<string>("() => document.cookie"));
        Assert.DoesNotContain("token", owner.Url, StringComparison.Ordinal);
    }
}
