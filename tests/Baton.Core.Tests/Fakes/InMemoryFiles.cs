using System.Text;
using System.Text.RegularExpressions;
using Baton.Core.Files;
using Microsoft.Extensions.Time.Testing;

namespace Baton.Core.Tests.Fakes;

/// <summary>
/// A file system in memory that behaves like the disk where Core can tell: folders must exist for a
/// move or a listing, missing files and folders throw what System.IO throws, a move keeps the
/// file's time. Paths must be absolute (a relative one is a bug in the caller).
/// </summary>
public sealed class InMemoryFiles : IFiles
{
    private readonly TimeProvider _time;
    private readonly HashSet<string> _directories = new(StringComparer.Ordinal) { "/" };
    private readonly Dictionary<string, Entry> _files = new(StringComparer.Ordinal);
    private readonly List<string> _writes = [];

    public InMemoryFiles(TimeProvider? time = null)
    {
        _time = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    }

    /// <summary>Every path written (whole or appended), in order: what a test counts to see a file left alone.</summary>
    public IReadOnlyList<string> Writes => _writes;

    /// <summary>Every file's path, sorted.</summary>
    public IReadOnlyList<string> AllFiles => _files.Keys.Order(StringComparer.Ordinal).ToList();

    public FilePermissions PermissionsOf(string path) => _files.TryGetValue(Normalize(path), out var e) ? e.Permissions : throw new FileNotFoundException("no such file", path);

    public bool FileExists(string path) => _files.ContainsKey(Normalize(path));

    public bool DirectoryExists(string path) => _directories.Contains(Normalize(path));

    public string ReadText(string path) => Require(Normalize(path)).Text;

    public string ReadTail(string path, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);
        var all = Encoding.UTF8.GetBytes(Require(Normalize(path)).Text);
        var take = (int)Math.Min(all.Length, bytes);
        return Encoding.UTF8.GetString(all, all.Length - take, take);
    }

    public void WriteText(string path, string text, FilePermissions permissions = FilePermissions.Default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var full = Normalize(path);
        RequireNotDirectory(full);
        CreateDirectory(Parent(full));
        _files[full] = new Entry(text, _time.GetUtcNow(), permissions);
        _writes.Add(full);
    }

    public void AppendText(string path, string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var full = Normalize(path);
        RequireNotDirectory(full);
        CreateDirectory(Parent(full));
        _files[full] = _files.TryGetValue(full, out var e)
            ? e with { Text = e.Text + text, Written = _time.GetUtcNow() }
            : new Entry(text, _time.GetUtcNow(), FilePermissions.Default);
        _writes.Add(full);
    }

    public IReadOnlyList<FileEntry> ListFiles(string directory, string pattern)
    {
        var dir = RequireDirectory(Normalize(directory));
        var match = Glob(pattern);
        return _files.Where(f => Parent(f.Key) == dir && match.IsMatch(Name(f.Key)))
            .Select(f => new FileEntry(f.Key, Name(f.Key), f.Value.Written))
            .ToList();
    }

    public IReadOnlyList<string> ListDirectories(string directory, string pattern)
    {
        var dir = RequireDirectory(Normalize(directory));
        var match = Glob(pattern);
        return _directories.Where(d => d != "/" && Parent(d) == dir && match.IsMatch(Name(d))).ToList();
    }

    public void Move(string from, string to, bool overwrite = false)
    {
        var source = Normalize(from);
        var target = Normalize(to);
        var entry = Require(source);
        RequireDirectory(Parent(target));
        RequireNotDirectory(target);
        if (!overwrite && _files.ContainsKey(target))
        {
            throw new IOException($"The file '{target}' already exists.");
        }

        _files.Remove(source);
        _files[target] = entry;
    }

    public void DeleteFile(string path)
    {
        var full = Normalize(path);
        RequireDirectory(Parent(full));
        _files.Remove(full);
    }

    public void DeleteDirectory(string path)
    {
        var dir = RequireDirectory(Normalize(path));
        var prefix = dir == "/" ? "/" : dir + "/";
        foreach (var file in _files.Keys.Where(f => f.StartsWith(prefix, StringComparison.Ordinal)).ToList())
        {
            _files.Remove(file);
        }

        _directories.RemoveWhere(d => d == dir || d.StartsWith(prefix, StringComparison.Ordinal));
        _directories.Add("/");
    }

    public void CreateDirectory(string path)
    {
        var dir = Normalize(path);
        if (_files.ContainsKey(dir))
        {
            throw new IOException($"The file '{dir}' already exists.");
        }

        for (var d = dir; !_directories.Contains(d); d = Parent(d))
        {
            _directories.Add(d);
        }
    }

    private static string Normalize(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!Path.IsPathRooted(path))
        {
            throw new ArgumentException($"a relative path reached the file system: '{path}'", nameof(path));
        }

        var full = Path.GetFullPath(path);
        return full.Length > 1 ? full.TrimEnd('/') : full;
    }

    private static string Parent(string full) => Path.GetDirectoryName(full) ?? "/";

    private static string Name(string full) => Path.GetFileName(full);

    private static Regex Glob(string pattern) =>
        new("^" + Regex.Escape(pattern).Replace("\\*", ".*", StringComparison.Ordinal).Replace("\\?", ".", StringComparison.Ordinal) + "$", RegexOptions.None, TimeSpan.FromSeconds(1));

    private Entry Require(string full)
    {
        if (_files.TryGetValue(full, out var entry))
        {
            return entry;
        }

        RequireNotDirectory(full);
        RequireDirectory(Parent(full));
        throw new FileNotFoundException($"Could not find file '{full}'.", full);
    }

    private string RequireDirectory(string full) =>
        _directories.Contains(full) ? full : throw new DirectoryNotFoundException($"Could not find a part of the path '{full}'.");

    private void RequireNotDirectory(string full)
    {
        if (_directories.Contains(full))
        {
            throw new UnauthorizedAccessException($"Access to the path '{full}' is denied.");
        }
    }

    private sealed record Entry(string Text, DateTimeOffset Written, FilePermissions Permissions);
}
