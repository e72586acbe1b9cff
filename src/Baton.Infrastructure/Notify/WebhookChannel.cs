using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Baton.Core.Notify;

namespace Baton.Infrastructure.Notify;

/// <summary>
/// A generic JSON webhook, signed: <c>X-Baton-Timestamp</c> carries the Unix time in seconds and
/// <c>X-Baton-Signature</c> is <c>sha256=</c> + hex(HMAC-SHA256(secret, timestamp + "." + body)),
/// so a receiver can check both who sent it and that it is not a replay (reject old timestamps).
/// </summary>
internal sealed class WebhookChannel : INotificationChannel
{
    public const string SignatureHeader = "X-Baton-Signature";
    public const string TimestampHeader = "X-Baton-Timestamp";

    private readonly HttpClient _http;
    private readonly string _url;
    private readonly byte[]? _secret;
    private readonly TimeProvider _time;

    public WebhookChannel(HttpClient http, string url, string? secret, TimeProvider time)
    {
        _http = http;
        _url = url;
        _secret = secret is null ? null : Encoding.UTF8.GetBytes(secret);
        _time = time;
    }

    public Task SendAsync(Notice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var json = JsonSerializer.Serialize(
            new WebhookMessage(notice.Priority.ToText(), notice.Kind, notice.Title, notice.Text, notice.Ticket, notice.Worker, notice.EventId, notice.Time, notice.DedupKey),
            NotifyJsonContext.Default.WebhookMessage);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_secret is not null)
        {
            var timestamp = _time.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
            headers[TimestampHeader] = timestamp;
            headers[SignatureHeader] = Sign(_secret, timestamp, json);
        }

        return HttpPost.SendAsync(_http, _url, json, headers, cancellationToken);
    }

    public static string Sign(byte[] secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(secret, Encoding.UTF8.GetBytes(timestamp + "." + body)));
}
