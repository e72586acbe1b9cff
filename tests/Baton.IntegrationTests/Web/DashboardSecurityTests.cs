using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Web;

/// <summary>`baton dashboard` as a real process: the token, the cookie, CSRF, where it may listen.</summary>
public sealed class DashboardSecurityTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Every_request_needs_the_token_and_the_url_token_becomes_a_strict_http_only_cookie()
    {
        _repo.Baton("ticket", "create", "Board me").Ok();
        using var dashboard = DashboardProcess.Start(_repo);

        // Without the token, or with a wrong one: 401, for the API and the page alike
        Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.Anonymous.GetAsync(new Uri("api/tickets", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.Anonymous.GetAsync(new Uri("/", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.Anonymous.GetAsync(new Uri("api/stream", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await dashboard.Anonymous.GetAsync(new Uri("api/tickets?token=wrong", UriKind.Relative))).StatusCode);

        // With the Bearer token: the tickets exactly as `baton ticket list --json` prints them
        var tickets = await dashboard.Client.GetStringAsync(new Uri("api/tickets", UriKind.Relative));
        Assert.Equal(_repo.Baton("ticket", "list", "--json").Ok().Json().ToString(), JsonDocument.Parse(tickets).RootElement.ToString());

        // The URL printed sets the cookie and takes the token out of the address bar
        using var browser = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new CookieContainer() }) { BaseAddress = dashboard.Base };
        var opened = await browser.GetAsync(dashboard.Url);
        Assert.Equal(HttpStatusCode.Redirect, opened.StatusCode);
        var cookie = Assert.Single(opened.Headers.GetValues("Set-Cookie"));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        var page = await browser.GetAsync(new Uri("/", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/app.js", await page.Content.ReadAsStringAsync());
        Assert.Contains("EventSource", await browser.GetStringAsync(new Uri("app.js", UriKind.Relative)));

        // The token is kept private to its owner
        var mode = File.GetUnixFileMode(Path.Combine(_repo.Dir, ".baton", "dashboard.token"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, mode);
        Assert.Equal(dashboard.Token, File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "dashboard.token")).Trim());
    }

    [Fact]
    public async Task A_change_without_the_csrf_header_is_refused_and_bad_requests_get_json_errors()
    {
        _repo.Baton("ticket", "create", "Failing one").Ok();
        using var dashboard = DashboardProcess.Start(_repo);
        var csrf = await dashboard.CsrfAsync();

        // No CSRF header, or a wrong one: 403, and nothing changed
        Assert.Equal(HttpStatusCode.Forbidden, (await dashboard.PostAsync("api/tickets/1/retry", null, null)).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await dashboard.PostAsync("api/workers/w/send", "{\"text\":\"x\"}", "not-it")).StatusCode);

        // Unknown ticket, worker and notification: 404 with the reason
        await AssertError(await dashboard.PostAsync("api/tickets/99/retry", null, csrf), HttpStatusCode.NotFound, "unknown ticket T-99");
        await AssertError(await dashboard.PostAsync("api/workers/nobody/send", "{\"text\":\"hello\"}", csrf), HttpStatusCode.NotFound, "unknown worker 'nobody'");
        await AssertError(await dashboard.PostAsync("api/workers/nobody/kill", null, csrf), HttpStatusCode.NotFound, "unknown worker 'nobody'");
        await AssertError(await dashboard.PostAsync("api/notifications/N-7/ack", null, csrf), HttpStatusCode.NotFound, "unknown notification N-7");

        // Malformed JSON, no text, a message over 64 KiB: 400, never a stack trace
        await AssertError(await dashboard.PostAsync("api/workers/nobody/send", "{\"text\":", csrf), HttpStatusCode.BadRequest, "malformed JSON");
        await AssertError(await dashboard.PostAsync("api/workers/nobody/send", "{}", csrf), HttpStatusCode.BadRequest, "say what to send");
        var big = "{\"text\":\"" + new string('x', 64 * 1024 + 1) + "\"}";
        await AssertError(await dashboard.PostAsync("api/workers/nobody/send", big, csrf), HttpStatusCode.BadRequest, "over 64 KiB");
        await AssertError(await dashboard.PostAsync("api/workers/Bad_Name/send", "{\"text\":\"hi\"}", csrf), HttpStatusCode.BadRequest, "invalid worker name");

        // The retry goes through the ticket service, as `baton ticket update --status open` would
        _repo.Baton("ticket", "update", "T-1", "--status", "in-progress").Ok();
        _repo.Baton("ticket", "update", "T-1", "--status", "failed").Ok();
        var retried = await dashboard.PostAsync("api/tickets/T-1/retry", null, csrf);
        Assert.Equal(HttpStatusCode.OK, retried.StatusCode);
        Assert.Equal("open", JsonDocument.Parse(await retried.Content.ReadAsStringAsync()).RootElement.GetProperty("status").GetString());
        Assert.Equal("open", _repo.Baton("ticket", "show", "T-1", "--json").Ok().Json().GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_secret_of_the_dashboard_environment_never_reaches_a_response()
    {
        // Given a ticket and an event written by processes that did not know the value was a secret
        const string Secret = "hunter2-deploy-value-77";
        _repo.Baton("ticket", "create", "Rotate " + Secret).Ok();
        _repo.Baton("events", "log", "note", "deployed with " + Secret).Ok();
        using var dashboard = DashboardProcess.Start(_repo, new Dictionary<string, string> { ["DEPLOY_SECRET"] = Secret });

        // Then the dashboard, which has it in its environment, masks it everywhere it answers
        var tickets = await dashboard.Client.GetStringAsync(new Uri("api/tickets", UriKind.Relative));
        var events = await dashboard.Client.GetStringAsync(new Uri("api/events?after=0", UriKind.Relative));
        using var stream = await SseReader.OpenAsync(dashboard.Client, "0");
        var streamed = string.Join('\n', (await stream.ReadAsync(2)).Select(e => e.Data));
        foreach (var answer in new[] { tickets, events, streamed })
        {
            Assert.DoesNotContain(Secret, answer, StringComparison.Ordinal);
            Assert.Contains("[REDACTED]", answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_non_loopback_address_without_tls_or_insecure_is_refused_and_a_busy_port_is_a_clear_error()
    {
        var refused = _repo.Baton("dashboard", "--bind", "0.0.0.0", "--port", "0");
        Assert.Equal(2, refused.ExitCode);
        Assert.Contains("without TLS", refused.Stderr);
        Assert.Contains("--insecure", refused.Stderr);
        Assert.False(File.Exists(Path.Combine(_repo.Dir, ".baton", "dashboard.token")), "nothing is made before the address is checked");

        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var busy = _repo.Baton("dashboard", "--port", port);
        Assert.Equal(1, busy.ExitCode);
        Assert.Contains($"port {port} on 127.0.0.1 is already in use", busy.Stderr);
        Assert.DoesNotContain("   at ", busy.Stderr);
    }

    private static async Task AssertError(HttpResponseMessage response, HttpStatusCode status, string says)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(says, JsonDocument.Parse(body).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", body);
    }
}
