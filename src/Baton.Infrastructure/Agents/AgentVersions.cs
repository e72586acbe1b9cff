using System.Globalization;
using Baton.Core.Agents;
using Baton.Core.Processes;

namespace Baton.Infrastructure.Agents;

/// <summary>
/// Runs <c>AGENT --version</c> once per binary: the answer is cached in a small file keyed by the
/// binary's path, modification time and arguments, so a fleet of spawns (or a day of them) pays
/// for it once, and an upgrade (a new binary) is asked again. A failure is cached as unknown too:
/// it must never slow down or block a spawn more than once.
/// </summary>
public sealed class AgentVersions : IAgentVersions
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private readonly IProcessRunner _runner;
    private readonly string? _cacheFile;
    private readonly Dictionary<string, string?> _memory = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <param name="cacheFile">Where to keep answers between processes; null keeps them in memory only.</param>
    public AgentVersions(IProcessRunner runner, string? cacheFile)
    {
        _runner = runner;
        _cacheFile = cacheFile;
    }

    public string? Get(string path, IReadOnlyList<string> prefixArguments, IReadOnlyList<string> versionArgument)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(prefixArguments);
        ArgumentNullException.ThrowIfNull(versionArgument);
        if (versionArgument.Count == 0)
        {
            return null;
        }

        string key;
        try
        {
            key = string.Join('\u001f', [path, File.GetLastWriteTimeUtc(path).Ticks.ToString(CultureInfo.InvariantCulture), .. prefixArguments, .. versionArgument]);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }

        lock (_lock)
        {
            if (_memory.TryGetValue(key, out var known) || (ReadCache().TryGetValue(key, out known)))
            {
                _memory[key] = known;
                return known;
            }
        }

        var version = Ask(path, prefixArguments, versionArgument);
        lock (_lock)
        {
            _memory[key] = version;
            WriteCache(key, version);
        }

        return version;
    }

    private string? Ask(string path, IReadOnlyList<string> prefix, IReadOnlyList<string> argument)
    {
        try
        {
            var result = _runner.Run(new ProcessRequest(path, [.. prefix, .. argument]) { Timeout = Timeout });
            return result.ExitCode == 0 ? AgentVersion.Parse(result.StandardOutput) ?? AgentVersion.Parse(result.StandardError) : null;
        }
#pragma warning disable CA1031 // a version we cannot get is "unknown", whatever went wrong; it never blocks a spawn
        catch (Exception)
#pragma warning restore CA1031
        {
            return null;
        }
    }

    private Dictionary<string, string?> ReadCache()
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        if (_cacheFile is null || !File.Exists(_cacheFile))
        {
            return map;
        }

        try
        {
            foreach (var line in File.ReadAllLines(_cacheFile))
            {
                var tab = line.LastIndexOf('\t');
                if (tab > 0)
                {
                    var value = line[(tab + 1)..];
                    map[line[..tab]] = value.Length == 0 ? null : value;
                }
            }
        }
        catch (IOException)
        {
            // A cache we cannot read is an empty one.
        }

        return map;
    }

    private void WriteCache(string key, string? version)
    {
        if (_cacheFile is null)
        {
            return;
        }

        try
        {
            // Keep the last answers of other binaries, replace this one; written whole and moved in
            // place, so concurrent spawns never read half a file.
            var map = ReadCache();
            map[key] = version;
            Directory.CreateDirectory(Path.GetDirectoryName(_cacheFile)!);
            var temp = $"{_cacheFile}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}";
            File.WriteAllLines(temp, map.TakeLast(64).Select(p => $"{p.Key}\t{p.Value}"));
            File.Move(temp, _cacheFile, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only a cache: the next spawn asks again.
        }
    }
}
