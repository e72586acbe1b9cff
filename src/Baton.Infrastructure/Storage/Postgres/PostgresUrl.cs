using System.Globalization;
using Baton.Core;

namespace Baton.Infrastructure.Storage.Postgres;

/// <summary>
/// A store URL, <c>postgres://user[:password]@host[:port]/database[?sslmode=MODE]</c>. Only the
/// password-free form is ever written down or shown (<see cref="ToString"/>): a password in the URL
/// is used once and dropped, the usual source being BATON_STORE_PASSWORD, PGPASSWORD or ~/.pgpass.
/// </summary>
public sealed record PostgresUrl(string Host, int Port, string User, string Database, string? SslMode, string? Password)
{
    public const int DefaultPort = 5432;

    /// <summary>Whether <paramref name="text"/> names a PostgreSQL store (postgres:// or postgresql://).</summary>
    public static bool IsPostgres(string? text) =>
        text is not null && (text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase) || text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase));

    public static PostgresUrl Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!IsPostgres(text) || !Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            throw BatonException.Usage($"'{Redact(text)}' is not a store URL: write postgres://USER@HOST[:PORT]/DATABASE");
        }

        var userInfo = uri.UserInfo.Split(':', 2);
        var user = Uri.UnescapeDataString(userInfo[0]);
        var database = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (user.Length == 0 || database.Length == 0 || database.Contains('/', StringComparison.Ordinal))
        {
            throw BatonException.Usage($"'{Redact(text)}' needs a user and one database: postgres://USER@HOST[:PORT]/DATABASE");
        }

        string? ssl = null;
        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var kv = pair.Split('=', 2);
            if (kv.Length == 2 && kv[0].Equals("sslmode", StringComparison.OrdinalIgnoreCase))
            {
                ssl = Uri.UnescapeDataString(kv[1]);
            }
            else
            {
                throw BatonException.Usage($"store URL option '{kv[0]}' is not known: only sslmode is");
            }
        }

        var password = userInfo.Length == 2 ? Uri.UnescapeDataString(userInfo[1]) : null;
        return new PostgresUrl(uri.Host, uri.IsDefaultPort || uri.Port < 0 ? DefaultPort : uri.Port, user, database, ssl, password);
    }

    /// <summary>The URL with no password: what config.yaml, messages and logs hold.</summary>
    public override string ToString() =>
        $"postgres://{Uri.EscapeDataString(User)}@{Host}:{Port.ToString(CultureInfo.InvariantCulture)}/{Uri.EscapeDataString(Database)}"
        + (SslMode is null ? "" : "?sslmode=" + Uri.EscapeDataString(SslMode));

    /// <summary>A URL as typed, its password (if any) replaced, for an error about it.</summary>
    private static string Redact(string text)
    {
        var at = text.IndexOf('@', StringComparison.Ordinal);
        var scheme = text.IndexOf("://", StringComparison.Ordinal);
        if (at < 0 || scheme < 0)
        {
            return text;
        }

        var colon = text.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? text[..(colon + 1)] + "***" + text[at..] : text;
    }
}
