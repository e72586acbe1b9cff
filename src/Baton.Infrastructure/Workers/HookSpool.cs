using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using Baton.Core.Config;
using Baton.Core.Monitoring;
using Baton.Core.Usage;
using Baton.Core.Workers;

namespace Baton.Infrastructure.Workers;

/// <summary>
/// One append-only file per worker under <c>.baton/spool/</c>. `baton hook` runs on every tool
/// call of every agent, so it only appends a line here (no SQLite, no lock); the monitor reads
/// from where it stopped last time and stores what it read with the worker's state, in one
/// transaction. A line is taken only once it is complete.
/// </summary>
public sealed partial class HookSpool : IHookSpool
{
    private readonly BatonPaths _paths;

    public HookSpool(BatonPaths paths)
    {
        _paths = paths;
    }

    public string FileOf(string worker) => _paths.SpoolFile(WorkerName.Validate(worker));

    /// <summary>
    /// Appends one record with a single write(2) on a descriptor opened with O_APPEND, which keeps
    /// lines from concurrent hooks whole. Not FileMode.Append: .NET seeks to the end once at open
    /// and writes there, so two hooks opening at once would write over each other.
    /// </summary>
    public void Append(string worker, DateTimeOffset time, string hookEvent, WorkerState? state, string detail, string? transcript = null, long? transcriptEnd = null, StatusLineReading? status = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(FileOf(worker))!);
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            w.WriteString("time", time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture));
            w.WriteString("event", hookEvent);
            if (state is { } s)
            {
                w.WriteString("state", s.ToText());
            }

            w.WriteString("detail", detail);
            if (transcript is not null && transcriptEnd is { } end)
            {
                w.WriteString("transcript", transcript);
                w.WriteNumber("transcript_end", end);
            }

            if (status is not null)
            {
                SpooledStatus.Write(w, status);
            }

            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        var path = FileOf(worker);
        if (OperatingSystem.IsWindows())
        {
            File.AppendAllText(path, System.Text.Encoding.UTF8.GetString(buffer.ToArray()));
            return;
        }

        var fd = open(path, OWronly | OCreat | OAppend | OCloexec, 0x1A4 /* 0644 */);
        if (fd < 0)
        {
            throw new IOException($"cannot open {path} (errno {Marshal.GetLastPInvokeError()})");
        }

        try
        {
            var bytes = buffer.ToArray();
            if (write(fd, bytes, bytes.Length) != bytes.Length)
            {
                throw new IOException($"short write to {path} (errno {Marshal.GetLastPInvokeError()})");
            }
        }
        finally
        {
            close(fd);
        }
    }

    private const int OWronly = 0x1, OCreat = 0x40, OAppend = 0x400, OCloexec = 0x80000;

    [DllImport("libc", SetLastError = true)]
    private static extern int open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, int mode);

    [DllImport("libc", SetLastError = true)]
    private static extern nint write(int fd, byte[] buffer, nint count);

    [DllImport("libc")]
    private static extern int close(int fd);

    public (IReadOnlyList<HookRecord> Records, long Offset) Read(string worker, long offset)
    {
        var path = FileOf(worker);
        if (!File.Exists(path))
        {
            return ([], offset);
        }

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        if (file.Length <= offset)
        {
            return ([], Math.Min(offset, file.Length));
        }

        file.Seek(offset, SeekOrigin.Begin);
        var bytes = new byte[file.Length - offset];
        file.ReadExactly(bytes);
        var end = Array.LastIndexOf(bytes, (byte)'\n');
        if (end < 0)
        {
            return ([], offset); // a line still being written
        }

        var records = new List<HookRecord>();
        foreach (var line in Encoding.UTF8.GetString(bytes, 0, end).Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            try
            {
                using var doc = JsonDocument.Parse(line);
                var root = doc.RootElement;
                records.Add(new HookRecord(
                    DateTimeOffset.Parse(root.GetProperty("time").GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal),
                    root.GetProperty("event").GetString() ?? "",
                    root.TryGetProperty("state", out var st) && st.GetString() is { } s ? WorkerStates.Parse(s) : null,
                    root.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : "")
                {
                    Transcript = root.TryGetProperty("transcript", out var t) ? t.GetString() : null,
                    TranscriptEnd = root.TryGetProperty("transcript_end", out var te) && te.TryGetInt64(out var n) ? n : null,
                    Status = root.TryGetProperty("status", out var sl) ? SpooledStatus.Read(sl) : null,
                });
            }
            catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                // A damaged line must not stop the monitor; skip it.
            }
        }

        return (records, offset + end + 1);
    }

    public (IReadOnlyList<string> Lines, long Offset) ReadTranscript(string path, long offset, long end)
    {
        try
        {
            using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            // A transcript that shrank was rewritten: start it over.
            var from = file.Length < offset ? 0 : offset;
            var to = Math.Min(end, file.Length);
            if (to <= from)
            {
                return ([], from);
            }

            file.Seek(from, SeekOrigin.Begin);
            var bytes = new byte[to - from];
            file.ReadExactly(bytes);
            var last = Array.LastIndexOf(bytes, (byte)'\n');
            if (last < 0)
            {
                return ([], from);
            }

            var lines = Encoding.UTF8.GetString(bytes, 0, last).Split('\n', StringSplitOptions.RemoveEmptyEntries);
            return (lines, from + last + 1);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Gone or unreadable (a deleted HOME): usage is lost, the worker's state is not.
            return ([], offset);
        }
    }
}
