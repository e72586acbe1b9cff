using Baton.Core.Processes;
using Baton.Core.Sandbox;
using Baton.Core.Workers;

namespace Baton.Infrastructure.Sandbox;

/// <summary>
/// Bubblewrap on this machine: found on PATH (or at BATON_BWRAP), its version, and a trial
/// sandbox with the namespaces a worker gets, whose error is the reason when it fails (user
/// namespaces disabled, say). Probed once per process; with a cache file, a success is kept
/// there, keyed by bubblewrap's path and modification time, the boot and the namespace switches,
/// so a spawn does not pay the trial sandbox (about 30 ms) every time and any change probes again.
/// </summary>
public sealed class BwrapProbe : ISandboxProbe
{
    private static readonly string[] SystemFolders = ["/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/etc", "/opt"];

    private readonly IProcessRunner _runner;
    private readonly IExecutables _executables;
    private readonly IEnvironmentVariables _variables;
    private readonly string? _cache;
    private SandboxHost? _host;

    public BwrapProbe(IProcessRunner runner, IExecutables executables, IEnvironmentVariables variables, string? cacheFile = null)
    {
        _runner = runner;
        _executables = executables;
        _variables = variables;
        _cache = cacheFile;
    }

    public SandboxHost Probe() => _host ??= Look();

    public IReadOnlyList<string> InstallRoots(string executable)
    {
        ArgumentNullException.ThrowIfNull(executable);
        var roots = new List<string> { Root(Path.GetFullPath(executable)) };
        var real = new FileInfo(executable).ResolveLinkTarget(returnFinalTarget: true)?.FullName;
        if (real is not null)
        {
            roots.Add(Root(real));
        }

        return roots.Distinct(StringComparer.Ordinal).ToList();
    }

    /// <summary>An npm install's prefix (everything its package needs is under it), else the file's folder.</summary>
    private static string Root(string file)
    {
        var at = file.IndexOf("/node_modules/", StringComparison.Ordinal);
        return at > 0 ? file[..at] : Path.GetDirectoryName(file) ?? file;
    }

    private SandboxHost Look()
    {
        var system = SystemFolders.Where(p => Directory.Exists(p) || File.Exists(p)).Select(Entry).ToList();
        var configured = _variables.Get("BATON_BWRAP");
        var bwrap = string.IsNullOrEmpty(configured) ? _executables.Resolve("bwrap") : _executables.Resolve(configured);
        if (bwrap is null)
        {
            var where = string.IsNullOrEmpty(configured) ? "no `bwrap` on PATH" : $"BATON_BWRAP={configured} is not an executable";
            return new SandboxHost(false, null, null, $"bubblewrap is not installed ({where}; Debian/Ubuntu: apt-get install bubblewrap)") { System = system };
        }

        var key = string.Join('|', bwrap, File.GetLastWriteTimeUtc(bwrap).Ticks, Read("/proc/sys/kernel/random/boot_id"), Namespaces());
        if (_cache is not null && File.Exists(_cache) && File.ReadAllLines(_cache) is [var cachedKey, var cachedVersion] && cachedKey == key)
        {
            return new SandboxHost(true, bwrap, cachedVersion, $"user, PID and network namespaces work ({Namespaces()})") { System = system };
        }

        string? version = null;
        try
        {
            var v = _runner.Run(new ProcessRequest(bwrap, ["--version"]) { Timeout = TimeSpan.FromSeconds(10) });
            version = v.ExitCode == 0 ? v.StandardOutput.Trim() : null;
            var trial = _runner.Run(new ProcessRequest(bwrap, ["--die-with-parent", "--unshare-user", "--unshare-pid", "--unshare-net", "--ro-bind", "/", "/", "--proc", "/proc", "--dev", "/dev", "true"])
            {
                Timeout = TimeSpan.FromSeconds(10),
            });
            if (trial.ExitCode != 0)
            {
                return new SandboxHost(false, bwrap, version, $"bubblewrap cannot make a sandbox here: {trial.StandardError.Trim()} ({Namespaces()})") { System = system };
            }
        }
        catch (Exception e) when (e is ProcessStartFailedException or ProcessTimedOutException)
        {
            return new SandboxHost(false, bwrap, version, $"bubblewrap did not run: {e.Message}") { System = system };
        }

        if (_cache is not null && version is not null)
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_cache)!);
            File.WriteAllText(_cache + ".tmp", key + "\n" + version + "\n");
            File.Move(_cache + ".tmp", _cache, overwrite: true);
        }

        return new SandboxHost(true, bwrap, version, $"user, PID and network namespaces work ({Namespaces()})") { System = system };
    }

    private static string Read(string file) => File.Exists(file) ? File.ReadAllText(file).Trim() : "";

    private static SystemEntry Entry(string path)
    {
        var info = new DirectoryInfo(path);
        return info.LinkTarget is { } target ? new SystemEntry(path, target) : new SystemEntry(path, null);
    }

    /// <summary>The kernel's switches for unprivileged user namespaces, for the reason text.</summary>
    private static string Namespaces()
    {
        var said = new List<string>();
        foreach (var (file, name) in new[] { ("/proc/sys/user/max_user_namespaces", "user.max_user_namespaces"), ("/proc/sys/kernel/unprivileged_userns_clone", "kernel.unprivileged_userns_clone"), ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "kernel.apparmor_restrict_unprivileged_userns") })
        {
            if (File.Exists(file))
            {
                said.Add(name + "=" + File.ReadAllText(file).Trim());
            }
        }

        return said.Count == 0 ? "no namespace switches found" : string.Join(", ", said);
    }
}
