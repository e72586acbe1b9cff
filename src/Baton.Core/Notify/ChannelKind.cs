namespace Baton.Core.Notify;

/// <summary>How a channel delivers: a Slack-compatible incoming webhook, a signed JSON webhook, or email over SMTP.</summary>
public enum ChannelKind
{
    Slack,
    Webhook,
    Email,
}
