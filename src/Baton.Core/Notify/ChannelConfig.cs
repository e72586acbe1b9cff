namespace Baton.Core.Notify;

/// <summary>
/// One notification channel from <c>notify.channels</c> in config.yaml. Secrets are never in the
/// file: <see cref="UrlEnv"/>, <see cref="SecretEnv"/> and <see cref="PasswordEnv"/> name
/// environment variables that hold them, read when a delivery is made.
/// </summary>
public sealed record ChannelConfig(string Name, ChannelKind Kind)
{
    /// <summary>slack / webhook: the address (may also come from <see cref="UrlEnv"/>, which wins).</summary>
    public string? Url { get; init; }

    public string? UrlEnv { get; init; }

    /// <summary>webhook: the variable holding the HMAC-SHA256 signing secret.</summary>
    public string? SecretEnv { get; init; }

    public string? SmtpHost { get; init; }

    public int SmtpPort { get; init; } = 587;

    /// <summary>email: STARTTLS before authenticating (default true; a server that does not offer it is refused).</summary>
    public bool StartTls { get; init; } = true;

    public string? Username { get; init; }

    public string? PasswordEnv { get; init; }

    public string? From { get; init; }

    public IReadOnlyList<string> To { get; init; } = [];

    /// <summary>email: a PEM/DER certificate to trust as the only root for the server's certificate (a private CA).</summary>
    public string? CaFile { get; init; }

    /// <summary>How long one delivery may take before it counts as failed (a receiver that hangs).</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(10);
}
