using Baton.Core.Notify;

namespace Baton.Infrastructure.Notify;

/// <summary>
/// Opens channels from their config; secrets (webhook URL, signing secret, SMTP password) are read
/// from the environment variables the config names, at delivery time, and never stored or logged.
/// </summary>
public sealed class NotificationChannels : INotificationChannels, IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseProxy = false })
    {
        Timeout = Timeout.InfiniteTimeSpan, // each delivery has the channel's own timeout
    };

    private readonly Func<string, string?> _environment;
    private readonly TimeProvider _time;

    public NotificationChannels(Func<string, string?> environment, TimeProvider time)
    {
        _environment = environment;
        _time = time;
    }

    public INotificationChannel Open(ChannelConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Kind switch
        {
            ChannelKind.Slack => new SlackChannel(_http, Url(config)),
            ChannelKind.Webhook => new WebhookChannel(_http, Url(config), Secret(config.SecretEnv, config, "secret_env"), _time),
            _ => new SmtpChannel(config, Secret(config.PasswordEnv, config, "password_env", optional: true), _time),
        };
    }

    private string Url(ChannelConfig config) =>
        (config.UrlEnv is { } name ? _environment(name) : null) ?? config.Url
        ?? throw new NotificationFailedException($"channel {config.Name}: no URL ({(config.UrlEnv is { } n ? n + " is not set in the environment" : "set url or url_env")})");

    private string? Secret(string? name, ChannelConfig config, string key, bool optional = false)
    {
        if (name is null)
        {
            return null;
        }

        return _environment(name) is { Length: > 0 } value ? value
            : optional ? null
            : throw new NotificationFailedException($"channel {config.Name}: {key} names {name}, which is not set in the environment");
    }

    public void Dispose() => _http.Dispose();
}
