using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Core.Notify;
using Baton.Infrastructure.Notify;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Notify;

/// <summary>Each channel against a real receiver on 127.0.0.1: an HTTP server, a small SMTP server with STARTTLS and AUTH.</summary>
public sealed class ChannelTests : IDisposable
{
    private const string Secret = "whsec-test-0123456789";
    private readonly Dictionary<string, string> _env = new(StringComparer.Ordinal) { ["HOOK_SECRET"] = Secret, ["MAIL_PASSWORD"] = "s3cret-pass" };
    private readonly NotificationChannels _channels;

    public ChannelTests()
    {
        _channels = new NotificationChannels(name => _env.GetValueOrDefault(name), TimeProvider.System);
    }

    public void Dispose() => _channels.Dispose();

    private static Notice Notice(string text = "auth-worker asks: run the migrations? [y/n]") =>
        new(42, DateTimeOffset.UtcNow, NotificationPriority.Urgent, "needs_human", "[urgent] T-3: a worker is waiting for a person", text, "needs_human:T-3") { Ticket = "T-3", Worker = "auth-worker" };

    private static Task Send(INotificationChannel channel, Notice notice, int seconds = 20)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        return channel.SendAsync(notice, cts.Token);
    }

    [Fact]
    public async Task A_webhook_is_signed_with_hmac_sha256_over_the_timestamp_and_the_body()
    {
        using var receiver = new WebhookReceiver();
        var channel = _channels.Open(new ChannelConfig("ops", ChannelKind.Webhook) { Url = receiver.Url, SecretEnv = "HOOK_SECRET" });

        await Send(channel, Notice());

        var (headers, body, _) = Assert.Single(receiver.Requests);
        var timestamp = headers["X-Baton-Timestamp"];
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(timestamp + "." + body)));
        Assert.Equal(expected, headers["X-Baton-Signature"]);
        Assert.InRange(long.Parse(timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(1).ToUnixTimeSeconds());
        using var json = JsonDocument.Parse(body);
        Assert.Equal("urgent", json.RootElement.GetProperty("priority").GetString());
        Assert.Equal("T-3", json.RootElement.GetProperty("ticket").GetString());
        Assert.DoesNotContain(Secret, body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_webhook_that_answers_500_is_a_failure_naming_the_status()
    {
        using var receiver = new WebhookReceiver(500);
        var channel = _channels.Open(new ChannelConfig("ops", ChannelKind.Webhook) { Url = receiver.Url });

        var e = await Assert.ThrowsAsync<NotificationFailedException>(() => Send(channel, Notice()));

        Assert.Contains("500", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_secret_is_named_not_sent_unsigned()
    {
        using var receiver = new WebhookReceiver();

        var e = Assert.Throws<NotificationFailedException>(() => _channels.Open(new ChannelConfig("ops", ChannelKind.Webhook) { Url = receiver.Url, SecretEnv = "NOT_SET_ANYWHERE" }));

        Assert.Contains("NOT_SET_ANYWHERE", e.Message, StringComparison.Ordinal);
        await Task.Yield();
        Assert.Equal(0, receiver.Count);
    }

    [Fact]
    public async Task A_slack_webhook_gets_the_text_form()
    {
        using var receiver = new WebhookReceiver();
        _env["SLACK_URL"] = receiver.Url;
        var channel = _channels.Open(new ChannelConfig("slack", ChannelKind.Slack) { UrlEnv = "SLACK_URL" });

        await Send(channel, Notice());

        using var json = JsonDocument.Parse(Assert.Single(receiver.Requests).Body);
        Assert.StartsWith("*[urgent] T-3", json.RootElement.GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    private ChannelConfig Mail(SmtpReceiver smtp) => new("mail", ChannelKind.Email)
    {
        SmtpHost = "127.0.0.1",
        SmtpPort = smtp.Port,
        Username = "baton",
        PasswordEnv = "MAIL_PASSWORD",
        From = "baton@example.test",
        To = ["dev@example.test", "lead@example.test"],
        CaFile = smtp.CertificateFile,
    };

    [Fact]
    public async Task Email_goes_over_starttls_with_authentication_to_every_recipient()
    {
        using var smtp = new SmtpReceiver("baton", "s3cret-pass");
        var channel = _channels.Open(Mail(smtp));

        await Send(channel, Notice("line one\n.a line starting with a dot\nüñí"));

        var message = Assert.Single(smtp.Messages);
        Assert.True(message.Tls);
        Assert.Equal("baton", message.AuthenticatedAs);
        Assert.Equal(["dev@example.test", "lead@example.test"], message.To);
        Assert.Contains("Subject: [urgent] T-3: a worker is waiting for a person", message.Data, StringComparison.Ordinal);
        Assert.Contains("\n.a line starting with a dot\n", message.Data, StringComparison.Ordinal);
        Assert.Contains("üñí", message.Data, StringComparison.Ordinal);
        Assert.DoesNotContain(smtp.Transcript, l => l.Contains("s3cret-pass", StringComparison.Ordinal)); // only base64 in AUTH, over TLS
    }

    [Fact]
    public async Task A_wrong_password_is_refused_with_the_servers_answer()
    {
        using var smtp = new SmtpReceiver("baton", "another-password");

        var e = await Assert.ThrowsAsync<NotificationFailedException>(() => Send(_channels.Open(Mail(smtp)), Notice()));

        Assert.Contains("refused AUTH", e.Message, StringComparison.Ordinal);
        Assert.Contains("535", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret-pass", e.Message, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task A_refused_recipient_fails_the_delivery()
    {
        using var smtp = new SmtpReceiver("baton", "s3cret-pass", refuseRecipient: "lead@example.test");

        var e = await Assert.ThrowsAsync<NotificationFailedException>(() => Send(_channels.Open(Mail(smtp)), Notice()));

        Assert.Contains("refused RCPT", e.Message, StringComparison.Ordinal);
        Assert.Contains("550", e.Message, StringComparison.Ordinal);
        Assert.Empty(smtp.Messages);
    }

    [Fact]
    public async Task A_server_without_starttls_is_refused_before_any_credential_is_sent()
    {
        using var smtp = new SmtpReceiver("baton", "s3cret-pass", offerStartTls: false);

        var e = await Assert.ThrowsAsync<NotificationFailedException>(() => Send(_channels.Open(Mail(smtp)), Notice()));

        Assert.Contains("does not offer STARTTLS", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(smtp.Transcript, l => l.StartsWith("AUTH", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_certificate_nobody_trusts_is_refused()
    {
        using var smtp = new SmtpReceiver("baton", "s3cret-pass");
        var config = Mail(smtp) with { CaFile = null };

        await Assert.ThrowsAsync<System.Security.Authentication.AuthenticationException>(() => Send(_channels.Open(config), Notice()));

        Assert.Empty(smtp.Messages);
    }
}
