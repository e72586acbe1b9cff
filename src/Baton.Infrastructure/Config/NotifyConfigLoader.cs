using System.Text.RegularExpressions;
using Baton.Core.Notify;
using YamlDotNet.RepresentationModel;

namespace Baton.Infrastructure.Config;

/// <summary>
/// The <c>notify:</c> section of config.yaml: channels and rules by name, each value checked with
/// its file and line. Secrets are named by environment variable (<c>url_env</c>, <c>secret_env</c>,
/// <c>password_env</c>), never written in the file: a Slack webhook URL carries its token, so a
/// Slack channel takes only <c>url_env</c>.
/// </summary>
internal static partial class NotifyConfigLoader
{
    [GeneratedRegex(@"^[a-z][a-z0-9_-]{0,39}$")]
    private static partial Regex NamePattern();

    [GeneratedRegex(@"^[A-Z_][A-Z0-9_]{0,99}$")]
    private static partial Regex VariablePattern();

    public static NotifyConfig Parse(YamlDocument doc, YamlMappingNode map)
    {
        doc.AllowOnly(map, "channels", "rules", "max_attempts", "retry_base", "retry_max");
        var d = new NotifyConfig();
        var channels = new List<ChannelConfig>();
        if (doc.Map(map, "channels") is { } channelMap)
        {
            foreach (var (key, value) in channelMap.Children)
            {
                channels.Add(Channel(doc, Name(doc, key, "channel"), value));
            }
        }

        var rules = new List<NotifyRule>();
        if (doc.Map(map, "rules") is { } ruleMap)
        {
            foreach (var (key, value) in ruleMap.Children)
            {
                rules.Add(Rule(doc, Name(doc, key, "rule"), value, channels));
            }
        }

        var retryBase = doc.Duration(map, "retry_base", TimeSpan.FromSeconds(1), TimeSpan.FromHours(1)) ?? d.RetryBase;
        var retryMax = doc.Duration(map, "retry_max", TimeSpan.FromSeconds(1), TimeSpan.FromHours(24)) ?? d.RetryMax;
        if (retryMax < retryBase)
        {
            throw doc.Error(doc.Node(map, "retry_max") ?? doc.Node(map, "retry_base")!, "'retry_max' must not be shorter than 'retry_base'");
        }

        return d with
        {
            Channels = channels,
            Rules = rules,
            MaxAttempts = doc.Int(map, "max_attempts", 1, 50) ?? d.MaxAttempts,
            RetryBase = retryBase,
            RetryMax = retryMax,
        };
    }

    private static string Name(YamlDocument doc, YamlNode key, string what) =>
        key is YamlScalarNode { Value: { } name } && NamePattern().IsMatch(name)
            ? name
            : throw doc.Error(key, $"a {what} name must be lower-case letters, digits, '-' or '_' (at most 40), starting with a letter");

    private static ChannelConfig Channel(YamlDocument doc, string name, YamlNode node)
    {
        if (node is not YamlMappingNode map)
        {
            throw doc.Error(node, $"channel '{name}' must be a mapping with at least 'type'");
        }

        var type = doc.Choice(map, "type", "slack", "webhook", "email") ?? throw doc.Error(node, $"channel '{name}' needs a 'type': slack, webhook or email");
        var kind = type switch { "slack" => ChannelKind.Slack, "webhook" => ChannelKind.Webhook, _ => ChannelKind.Email };
        var allowed = kind switch
        {
            ChannelKind.Slack => new[] { "type", "url_env", "timeout" },
            ChannelKind.Webhook => ["type", "url", "url_env", "secret_env", "timeout"],
            _ => ["type", "smtp_host", "smtp_port", "starttls", "username", "password_env", "from", "to", "ca_file", "timeout"],
        };
        doc.AllowOnly(map, allowed);
        var config = new ChannelConfig(name, kind)
        {
            Url = Url(doc, map),
            UrlEnv = Variable(doc, map, "url_env"),
            SecretEnv = Variable(doc, map, "secret_env"),
            SmtpHost = doc.String(map, "smtp_host"),
            SmtpPort = doc.Int(map, "smtp_port", 1, 65535) ?? 587,
            StartTls = doc.Bool(map, "starttls") ?? true,
            Username = doc.String(map, "username"),
            PasswordEnv = Variable(doc, map, "password_env"),
            From = doc.String(map, "from"),
            To = doc.List(map, "to") ?? [],
            CaFile = doc.String(map, "ca_file") is { Length: > 0 } ca ? ca : null,
            Timeout = doc.Duration(map, "timeout", TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(5)) ?? TimeSpan.FromSeconds(10),
        };
        switch (kind)
        {
            case ChannelKind.Slack when config.UrlEnv is null:
                throw doc.Error(node, $"channel '{name}' (slack) needs 'url_env': the variable holding the webhook URL (the URL carries its token, so it does not go in this file)");
            case ChannelKind.Webhook when config.Url is null && config.UrlEnv is null:
                throw doc.Error(node, $"channel '{name}' (webhook) needs 'url' or 'url_env'");
            case ChannelKind.Email when config.SmtpHost is null || config.From is null || config.To.Count == 0:
                throw doc.Error(node, $"channel '{name}' (email) needs 'smtp_host', 'from' and 'to'");
            case ChannelKind.Email when config.Username is not null && config.PasswordEnv is null:
                throw doc.Error(node, $"channel '{name}' (email) has a 'username' but no 'password_env' naming the variable that holds its password");
        }

        return config;
    }

    private static NotifyRule Rule(YamlDocument doc, string name, YamlNode node, List<ChannelConfig> channels)
    {
        if (node is not YamlMappingNode map)
        {
            throw doc.Error(node, $"rule '{name}' must be a mapping with 'priority' and 'channels'");
        }

        doc.AllowOnly(map, "priority", "channels", "kinds", "escalate_after");
        var priority = doc.Choice(map, "priority", "urgent", "action", "info") ?? throw doc.Error(node, $"rule '{name}' needs a 'priority': urgent, action or info (it takes that and above)");
        var names = doc.List(map, "channels") ?? throw doc.Error(node, $"rule '{name}' needs 'channels': the channels to try, in order");
        if (names.Count == 0)
        {
            throw doc.Error(doc.Node(map, "channels")!, $"rule '{name}' names no channel");
        }

        foreach (var channel in names.Where(c => channels.All(k => k.Name != c)))
        {
            throw doc.Error(doc.Node(map, "channels")!, $"rule '{name}' names channel '{channel}', which notify.channels does not define (defined: {(channels.Count == 0 ? "none" : string.Join(", ", channels.Select(c => c.Name)))})");
        }

        return new NotifyRule(name, NotificationPriorities.Parse(priority)!.Value, names)
        {
            Kinds = doc.List(map, "kinds") ?? [],
            EscalateAfter = doc.Duration(map, "escalate_after", TimeSpan.FromSeconds(10), TimeSpan.FromDays(7)),
        };
    }

    private static string? Url(YamlDocument doc, YamlMappingNode map)
    {
        var url = doc.String(map, "url");
        return string.IsNullOrEmpty(url) ? null
            : Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" ? url
            : throw doc.Error(doc.Node(map, "url")!, "'url' must be an http(s) URL");
    }

    private static string? Variable(YamlDocument doc, YamlMappingNode map, string key)
    {
        var name = doc.String(map, key);
        return string.IsNullOrEmpty(name) ? null
            : VariablePattern().IsMatch(name) ? name
            : throw doc.Error(doc.Node(map, key)!, $"'{key}' names an environment variable (upper-case letters, digits, '_'), e.g. BATON_SMTP_PASSWORD");
    }
}
