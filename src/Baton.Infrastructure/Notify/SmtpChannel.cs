using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Baton.Core.Notify;

namespace Baton.Infrastructure.Notify;

/// <summary>
/// Email over SMTP (RFC 5321), spoken directly: EHLO, STARTTLS (required unless the channel says
/// <c>starttls: false</c>), AUTH PLAIN or LOGIN when a username is set, one message to every
/// recipient. Any answer other than the one expected is a failure quoting the server. The
/// certificate is checked against the system's roots, or only against <c>ca_file</c> when given.
/// </summary>
internal sealed class SmtpChannel : INotificationChannel
{
    private readonly ChannelConfig _config;
    private readonly string? _password;
    private readonly TimeProvider _time;

    public SmtpChannel(ChannelConfig config, string? password, TimeProvider time)
    {
        _config = config;
        _password = password;
        _time = time;
    }

    public async Task SendAsync(Notice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var host = _config.SmtpHost ?? throw new NotificationFailedException($"channel {_config.Name}: smtp_host is not set");
        var from = _config.From ?? throw new NotificationFailedException($"channel {_config.Name}: from is not set");
        if (_config.To.Count == 0)
        {
            throw new NotificationFailedException($"channel {_config.Name}: to names no recipient");
        }

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(host, _config.SmtpPort, cancellationToken).ConfigureAwait(false);
        Stream stream = tcp.GetStream();
        var session = new SmtpSession(stream);
        await session.ExpectAsync(220, "greeting", cancellationToken).ConfigureAwait(false);
        var capabilities = await session.CommandAsync("EHLO baton", 250, cancellationToken).ConfigureAwait(false);
        if (_config.StartTls)
        {
            if (!capabilities.Any(l => l.StartsWith("STARTTLS", StringComparison.OrdinalIgnoreCase)))
            {
                throw new NotificationFailedException($"the SMTP server {host}:{_config.SmtpPort} does not offer STARTTLS (set starttls: false only for a server on this machine)");
            }

            await session.CommandAsync("STARTTLS", 220, cancellationToken).ConfigureAwait(false);
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = host,
                RemoteCertificateValidationCallback = _config.CaFile is { } ca ? (_, cert, _, _) => TrustedBy(ca, cert) : null,
            }, cancellationToken).ConfigureAwait(false);
            stream = tls;
            session = new SmtpSession(tls);
            capabilities = await session.CommandAsync("EHLO baton", 250, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            if (_config.Username is { } user)
            {
                await AuthenticateAsync(session, capabilities, user, cancellationToken).ConfigureAwait(false);
            }

            await session.CommandAsync($"MAIL FROM:<{Address(from)}>", 250, cancellationToken).ConfigureAwait(false);
            foreach (var to in _config.To)
            {
                await session.CommandAsync($"RCPT TO:<{Address(to)}>", 250, cancellationToken, also: 251).ConfigureAwait(false);
            }

            await session.CommandAsync("DATA", 354, cancellationToken).ConfigureAwait(false);
            await session.CommandAsync(Message(notice, from), 250, cancellationToken, log: "message").ConfigureAwait(false);
            await session.SendAsync("QUIT", cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await stream.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task AuthenticateAsync(SmtpSession session, IReadOnlyList<string> capabilities, string user, CancellationToken ct)
    {
        var password = _password ?? throw new NotificationFailedException($"channel {_config.Name}: {_config.PasswordEnv ?? "password_env"} is not set in the environment");
        var auth = capabilities.FirstOrDefault(l => l.StartsWith("AUTH", StringComparison.OrdinalIgnoreCase))?.ToUpperInvariant() ?? "";
        if (auth.Contains("PLAIN", StringComparison.Ordinal))
        {
            var token = Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}"));
            await session.CommandAsync("AUTH PLAIN " + token, 235, ct, log: "AUTH PLAIN [REDACTED]").ConfigureAwait(false);
        }
        else if (auth.Contains("LOGIN", StringComparison.Ordinal))
        {
            await session.CommandAsync("AUTH LOGIN", 334, ct).ConfigureAwait(false);
            await session.CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(user)), 334, ct, log: "username").ConfigureAwait(false);
            await session.CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), 235, ct, log: "password").ConfigureAwait(false);
        }
        else
        {
            throw new NotificationFailedException($"the SMTP server offers no authentication Baton speaks (PLAIN or LOGIN){(_config.StartTls ? "" : "; many offer it only after STARTTLS")}");
        }
    }

    private string Message(Notice notice, string from)
    {
        var text = new StringBuilder();
        text.Append("From: ").Append(from).Append("\r\n");
        text.Append("To: ").Append(string.Join(", ", _config.To)).Append("\r\n");
        text.Append("Subject: ").Append(EncodeHeader(notice.Title)).Append("\r\n");
        text.Append("Date: ").Append(_time.GetUtcNow().ToString("r", CultureInfo.InvariantCulture)).Append("\r\n");
        text.Append("Message-ID: <").Append(Guid.NewGuid().ToString("N")).Append("@baton>\r\n");
        text.Append("MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n");
        foreach (var line in (notice.Text + "\n").Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            // Dot-stuffing: a line starting with "." would otherwise end the message early.
            text.Append(line.StartsWith('.') ? "." + line : line).Append("\r\n");
        }

        return text.Append('.').ToString();
    }

    private static string EncodeHeader(string value) =>
        value.All(c => c is >= ' ' and <= '~') ? value : "=?utf-8?B?" + Convert.ToBase64String(Encoding.UTF8.GetBytes(value)) + "?=";

    /// <summary>An address as it goes between angle brackets; anything that could end the command is refused.</summary>
    private static string Address(string address) =>
        address.Any(c => c is '<' or '>' or '\r' or '\n' or ' ') || !address.Contains('@', StringComparison.Ordinal)
            ? throw new NotificationFailedException($"'{address}' is not an email address")
            : address;

    private static bool TrustedBy(string caFile, X509Certificate? certificate)
    {
        if (certificate is null)
        {
            return false;
        }

        using var ca = X509CertificateLoader.LoadCertificateFromFile(caFile);
        using var leaf = new X509Certificate2(certificate);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain.Build(leaf);
    }
}
