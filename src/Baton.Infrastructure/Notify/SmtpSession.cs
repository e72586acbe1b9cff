using System.Globalization;
using System.Text;
using Baton.Core.Notify;

namespace Baton.Infrastructure.Notify;

/// <summary>One SMTP conversation over a stream: commands out, numbered (possibly multi-line) replies in.</summary>
internal sealed class SmtpSession
{
    private const int MaxLine = 4096;
    private readonly Stream _stream;
    private readonly byte[] _buffer = new byte[1];

    public SmtpSession(Stream stream)
    {
        _stream = stream;
    }

    public Task SendAsync(string line, CancellationToken ct) =>
        _stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\r\n"), ct).AsTask();

    /// <summary>Sends <paramref name="line"/> and returns the reply's text lines when its code is <paramref name="expected"/> (or <paramref name="also"/>).</summary>
    public async Task<IReadOnlyList<string>> CommandAsync(string line, int expected, CancellationToken ct, string? log = null, int also = -1)
    {
        await SendAsync(line, ct).ConfigureAwait(false);
        return await ExpectAsync(expected, log ?? line, ct, also).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> ExpectAsync(int expected, string what, CancellationToken ct, int also = -1)
    {
        var lines = new List<string>();
        int code;
        while (true)
        {
            var line = await ReadLineAsync(ct).ConfigureAwait(false)
                ?? throw new NotificationFailedException($"the SMTP server closed the connection after {What(what)}");
            if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out code))
            {
                throw new NotificationFailedException($"the SMTP server answered {What(what)} with '{line}', which is not SMTP");
            }

            lines.Add(line.Length > 4 ? line[4..] : "");
            if (line.Length == 3 || line[3] != '-')
            {
                break;
            }
        }

        if (code != expected && code != also)
        {
            throw new NotificationFailedException($"the SMTP server refused {What(what)}: {code} {string.Join(" ", lines)}");
        }

        return lines;
    }

    private static string What(string command)
    {
        var verb = command.Split(' ', 2)[0];
        return verb.Length == 0 ? "the command" : verb.All(char.IsLetter) ? verb : command;
    }

    private async Task<string?> ReadLineAsync(CancellationToken ct)
    {
        var bytes = new List<byte>();
        while (bytes.Count < MaxLine)
        {
            if (await _stream.ReadAsync(_buffer, ct).ConfigureAwait(false) == 0)
            {
                return bytes.Count == 0 ? null : Encoding.UTF8.GetString([.. bytes]);
            }

            if (_buffer[0] == '\n')
            {
                return Encoding.UTF8.GetString([.. bytes]).TrimEnd('\r');
            }

            bytes.Add(_buffer[0]);
        }

        throw new NotificationFailedException("the SMTP server sent a line longer than 4096 bytes");
    }
}
