using System.Security.Cryptography;
using Baton.Core.Files;

namespace Baton.Web;

/// <summary>
/// The dashboard's access token: made once per repository and kept in .baton/dashboard.token
/// (mode 0600), so a bookmarked URL keeps working across restarts. Deleting the file revokes it.
/// </summary>
public static class DashboardToken
{
    public const string FileName = Baton.Core.Config.BatonPaths.DashboardTokenFile;

    public static string LoadOrCreate(IFiles files, string batonDir) => LoadOrCreate(files, batonDir, FileName);

    /// <summary>The same for another front door's token file (`baton mcp --http`: mcp.token).</summary>
    public static string LoadOrCreate(IFiles files, string batonDir, string fileName)
    {
        ArgumentNullException.ThrowIfNull(files);
        var path = Path.Combine(batonDir, fileName);
        if (files.FileExists(path))
        {
            var existing = files.ReadText(path).Trim();
            if (existing.Length >= 32)
            {
                return existing;
            }
        }

        var token = NewSecret();
        files.WriteText(path, token + "\n", FilePermissions.Private);
        return token;
    }

    /// <summary>32 random bytes as URL-safe text (no padding).</summary>
    public static string NewSecret() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>Compares in constant time: how long it takes says nothing about the token.</summary>
    public static bool Matches(string? given, string expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        if (given is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(given), System.Text.Encoding.UTF8.GetBytes(expected));
    }
}
