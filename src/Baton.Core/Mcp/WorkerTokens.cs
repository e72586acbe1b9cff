using System.Security.Cryptography;
using System.Text;
using Baton.Core.Config;
using Baton.Core.Files;

namespace Baton.Core.Mcp;

/// <summary>
/// The per-worker MCP token: made at spawn, given to the agent as <see cref="Variable"/>, kept only
/// as its SHA-256 in .baton/mcp/NAME.sha256 (0600). The token starts with the worker's name, so a
/// check reads one small file instead of scanning; the random part is what proves it.
/// Respawning a name makes a new token, so the previous agent's stops working.
/// </summary>
public sealed class WorkerTokens
{
    public const string Variable = "BATON_MCP_TOKEN";

    private readonly BatonPaths _paths;
    private readonly IFiles _files;

    public WorkerTokens(BatonPaths paths, IFiles files)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(files);
        _paths = paths;
        _files = files;
    }

    /// <summary>A new token for <paramref name="worker"/>; only its hash is written.</summary>
    public string Issue(string worker)
    {
        ArgumentException.ThrowIfNullOrEmpty(worker);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var token = $"bw.{worker}.{secret}";
        _files.WriteText(HashFile(worker), Hash(token) + "\n", FilePermissions.Private);
        return token;
    }

    /// <summary>The worker a token belongs to, or null when it is not a current worker token.</summary>
    public string? WorkerOf(string? token)
    {
        if (token is null || !token.StartsWith("bw.", StringComparison.Ordinal))
        {
            return null;
        }

        var end = token.IndexOf('.', 3);
        if (end <= 3)
        {
            return null;
        }

        var worker = token[3..end];
        if (!Workers.WorkerName.IsValid(worker) || !_files.FileExists(HashFile(worker)))
        {
            return null;
        }

        var stored = Encoding.ASCII.GetBytes(_files.ReadText(HashFile(worker)).Trim());
        return CryptographicOperations.FixedTimeEquals(stored, Encoding.ASCII.GetBytes(Hash(token))) ? worker : null;
    }

    /// <summary>Revokes the worker's token (its hash file goes).</summary>
    public void Revoke(string worker)
    {
        if (_files.FileExists(HashFile(worker)))
        {
            _files.DeleteFile(HashFile(worker));
        }
    }

    private string HashFile(string worker) => Path.Combine(_paths.BatonDir, "mcp", worker + ".sha256");

    private static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
