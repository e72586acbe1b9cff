using System.Globalization;
using System.Text;
using Baton.Core.Files;

namespace Baton.Infrastructure.Files;

/// <summary>The local disk, through System.IO.</summary>
public sealed class LocalFiles : IFiles
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    // What File.WriteAllText writes: UTF-8 without a byte order mark.
    private static readonly UTF8Encoding NoBom = new(encoderShouldEmitUTF8Identifier: false);

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public string ReadText(string path) => File.ReadAllText(path);

    public string ReadTail(string path, long bytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytes);

        // Shared for writing and deleting: the agent keeps appending, and a kill may remove the file.
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        stream.Seek(-Math.Min(stream.Length, bytes), SeekOrigin.End);
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    public void WriteText(string path, string text, FilePermissions permissions = FilePermissions.Default)
    {
        ArgumentNullException.ThrowIfNull(text);
        var full = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);

        // A name of its own per write: several processes (spawns at once) may write the same file.
        var temp = $"{full}.{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Guid.NewGuid():N}.tmp";
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows() && permissions == FilePermissions.Private)
            {
                options.UnixCreateMode = Private; // never readable by others, not even before the mode is set below
            }

            using (var writer = new StreamWriter(temp, NoBom, options))
            {
                writer.Write(text);
            }

            if (!OperatingSystem.IsWindows() && permissions != FilePermissions.Default)
            {
                // Set outright: a mode given at creation is narrowed by the umask.
                File.SetUnixFileMode(temp, permissions == FilePermissions.Executable ? Executable : Private);
            }

            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            File.Delete(temp);
            throw;
        }
    }

    public void AppendText(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        File.AppendAllText(path, text);
    }

    public IReadOnlyList<FileEntry> ListFiles(string directory, string pattern) =>
        new DirectoryInfo(directory).GetFiles(pattern)
            .Select(f => new FileEntry(f.FullName, f.Name, new DateTimeOffset(f.LastWriteTimeUtc, TimeSpan.Zero)))
            .ToList();

    public IReadOnlyList<string> ListDirectories(string directory, string pattern) => Directory.GetDirectories(directory, pattern);

    public void Move(string from, string to, bool overwrite = false) => File.Move(from, to, overwrite);

    public void DeleteFile(string path) => File.Delete(path);

    public void DeleteDirectory(string path) => Directory.Delete(path, recursive: true);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);
}
