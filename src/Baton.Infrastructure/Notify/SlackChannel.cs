using System.Text.Json;
using Baton.Core.Notify;

namespace Baton.Infrastructure.Notify;

/// <summary>A Slack-compatible incoming webhook: <c>{"text": "..."}</c> POSTed to its URL.</summary>
internal sealed class SlackChannel : INotificationChannel
{
    private readonly HttpClient _http;
    private readonly string _url;

    public SlackChannel(HttpClient http, string url)
    {
        _http = http;
        _url = url;
    }

    public Task SendAsync(Notice notice, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(notice);
        var json = JsonSerializer.Serialize(new SlackMessage($"*{notice.Title}*\n{notice.Text}"), NotifyJsonContext.Default.SlackMessage);
        return HttpPost.SendAsync(_http, _url, json, new Dictionary<string, string>(), cancellationToken);
    }
}
