using System.Globalization;
using System.Text;
using System.Text.Json;
using Baton.Core.Monitoring;
using Baton.Core.Workers;

namespace Baton.Infrastructure.Workers;

/// <summary>
/// One append-only file per worker under <c>.baton/spool/</c>. `baton hook` runs on every tool
/// call of every agent, so it only appends a line here (no SQLite, no lock); the monitor reads
/// from where it stopped last time and stores what it read with the worker's state, in one
/// transaction. A line is taken only once it is complete.
/// </summary>
public sealed class HookSpool : IHookSpool
{
    private readonly string _dir;

    public HookSpool(string batonDir)
    {
        _dir = Path.Combine(batonDir, "spool");
    }

    public string FileOf(string worker) => Path.Combine(_dir, WorkerName.Validate(worker) + ".jsonl");

    /// <summary>Appends one record with a single write (O_APPEND keeps concurrent lines whole).</summary>
    public void Append(string worker, DateTimeOffset time, string hookEvent, WorkerState? state, string detail)
    {
        Directory.CreateDirectory(_dir);
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
            w.WriteEndObject();
        }

        buffer.WriteByte((byte)'\n');
        using var file = new FileStream(FileOf(worker), FileMode.Append, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1);
        file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

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
                    root.TryGetProperty("detail", out var d) ? d.GetString() ?? "" : ""));
            }
            catch (Exception e) when (e is JsonException or FormatException or KeyNotFoundException or InvalidOperationException)
            {
                // A damaged line must not stop the monitor; skip it.
            }
        }

        return (records, offset + end + 1);
    }
}
