using System.Security.Cryptography;
using System.Text;
using Baton.Core.Processes;
using Baton.Core.Sandbox;

namespace Baton.Infrastructure.Sandbox;

/// <summary>
/// Credentials as files, one per value: <c>~/.config/baton/credentials/REPO-ID/{workers,roles}/NAME/VARIABLE</c>
/// (BATON_CREDENTIALS_DIR replaces the folder above REPO-ID). Outside the repository, so no commit
/// or worktree can carry them and no sandbox sees them (its HOME is its own); folders 0700, files
/// 0600. REPO-ID is the repository folder's name and a hash of its path, so two clones of one
/// project keep apart.
/// </summary>
public sealed class FileCredentialStore : ICredentialStore
{
    private const UnixFileMode Folder = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode Secret = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly string _baseDir;
    private readonly string _repository;
    private string? _dir;

    public FileCredentialStore(string repositoryRoot, IEnvironmentVariables variables)
    {
        ArgumentNullException.ThrowIfNull(repositoryRoot);
        ArgumentNullException.ThrowIfNull(variables);
        var configured = variables.Get("BATON_CREDENTIALS_DIR");
        var baseDir = !string.IsNullOrEmpty(configured)
            ? configured
            : Path.Combine(variables.Get("XDG_CONFIG_HOME") is { Length: > 0 } xdg ? xdg : Path.Combine(variables.Get("HOME") ?? "/root", ".config"), "baton", "credentials");
        _baseDir = baseDir;
        _repository = Path.GetFullPath(repositoryRoot).TrimEnd('/');
    }

    /// <summary>
    /// This repository's credentials folder. Hashed when first asked: most commands only look for
    /// credentials to redact, and with no credentials folder at all they need no hash (the first
    /// hash of a process loads OpenSSL, a measurable part of a short command's start).
    /// </summary>
    public string Dir => _dir ??= Path.Combine(_baseDir, Path.GetFileName(_repository) + "-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(_repository)))[..12]);

    public void Set(CredentialScope scope, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(scope);
        ArgumentNullException.ThrowIfNull(value);
        if (OperatingSystem.IsWindows())
        {
            throw new Baton.Core.BatonException("credentials are kept with Unix permissions (0600): not on Windows");
        }

        var folder = ScopeDir(scope);
        foreach (var dir in new[] { Path.GetDirectoryName(Dir)!, Dir, Path.GetDirectoryName(folder)!, folder })
        {
            Directory.CreateDirectory(dir, Folder);
        }

        var file = Path.Combine(folder, CredentialScope.ValidName(name));
        var temp = file + ".tmp";
        // Created 0600 before a byte is written, then renamed over: never readable by others, never half-written.
        using (var stream = new FileStream(temp, new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, UnixCreateMode = Secret }))
        {
            stream.Write(Encoding.UTF8.GetBytes(value));
        }

        File.SetUnixFileMode(temp, Secret);
        File.Move(temp, file, overwrite: true);
    }

    public bool Unset(CredentialScope scope, string name)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var file = Path.Combine(ScopeDir(scope), CredentialScope.ValidName(name));
        if (!File.Exists(file))
        {
            return false;
        }

        File.Delete(file);
        return true;
    }

    public IReadOnlyList<(CredentialScope Scope, string Name)> List()
    {
        var result = new List<(CredentialScope, string)>();
        if (!Directory.Exists(_baseDir))
        {
            return result;
        }

        foreach (var (kind, isRole) in new[] { ("roles", true), ("workers", false) })
        {
            var dir = Path.Combine(Dir, kind);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var owner in Directory.EnumerateDirectories(dir).Order(StringComparer.Ordinal))
            {
                foreach (var file in Directory.EnumerateFiles(owner).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
                {
                    result.Add((new CredentialScope(isRole, Path.GetFileName(owner)), Path.GetFileName(file)));
                }
            }
        }

        return result;
    }

    public IReadOnlyDictionary<string, string> For(string worker, string? role)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        var scopes = role is null ? new[] { new CredentialScope(false, worker) } : [new CredentialScope(true, role), new CredentialScope(false, worker)];
        foreach (var scope in scopes)
        {
            var dir = ScopeDir(scope);
            if (!Directory.Exists(dir))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(dir).Where(f => !f.EndsWith(".tmp", StringComparison.Ordinal)))
            {
                result[Path.GetFileName(file)] = File.ReadAllText(file);
            }
        }

        return result;
    }

    public IReadOnlyList<string> Values() =>
        List().Select(c => File.ReadAllText(Path.Combine(ScopeDir(c.Scope), c.Name))).ToList();

    private string ScopeDir(CredentialScope scope)
    {
        if (scope.Name.Length == 0 || scope.Name.Contains('/', StringComparison.Ordinal) || scope.Name.StartsWith('.'))
        {
            throw new Baton.Core.BatonException($"'{scope.Name}' is not a worker or role name");
        }

        return Path.Combine(Dir, scope.IsRole ? "roles" : "workers", scope.Name);
    }
}
