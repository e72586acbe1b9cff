using System.Globalization;
using System.Text;

namespace Baton.Core.Tmux;

/// <summary>
/// Reads tmux control mode (<c>tmux -C</c>) one line at a time. Notifications are single lines
/// starting with '%'; a command's answer is every line between <c>%begin TIME NUMBER FLAGS</c>
/// and the <c>%end</c> or <c>%error</c> with the same time and number (so a pane that prints
/// "%end" cannot cut an answer short). In <c>%output</c>, tmux writes bytes below 32 and the
/// backslash as a backslash and three octal digits; every other byte (UTF-8 included) is raw,
/// so lines are bytes, and a character may be split across two <c>%output</c> lines.
/// </summary>
public sealed class ControlModeParser
{
    private string? _blockKey;
    private long _blockNumber;
    private bool _blockFromClient;
    private List<string>? _blockLines;

    /// <summary>Reads one line (without its newline); null while inside a block or for a blank line.</summary>
    public ControlEvent? Feed(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }

        if (_blockLines is not null)
        {
            return InBlock(line);
        }

        if (line.IsEmpty || line[0] != (byte)'%')
        {
            return null;
        }

        if (line.StartsWith("%output "u8))
        {
            var rest = line["%output ".Length..];
            var space = rest.IndexOf((byte)' ');
            var pane = space < 0 ? rest : rest[..space];
            var data = space < 0 ? [] : Unescape(rest[(space + 1)..]);
            return new ControlEvent(ControlEventKind.Output) { Id = Encoding.ASCII.GetString(pane), Data = data };
        }

        var text = Encoding.UTF8.GetString(line);
        var fields = text.Split(' ');
        switch (fields[0])
        {
            case "%begin" when fields.Length >= 4:
                _blockKey = fields[1] + " " + fields[2];
                _blockNumber = long.TryParse(fields[2], NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
                _blockFromClient = fields[3] == "1";
                _blockLines = [];
                return null;
            case "%exit":
                return new ControlEvent(ControlEventKind.Exit) { Text = fields.Length > 1 ? text["%exit ".Length..] : null };
            case "%session-changed" when fields.Length >= 3:
                return new ControlEvent(ControlEventKind.SessionChanged) { Id = fields[1], Text = text[(fields[0].Length + fields[1].Length + 2)..] };
            default:
                return new ControlEvent(ControlEventKind.Other) { Text = text };
        }
    }

    private ControlEvent? InBlock(ReadOnlySpan<byte> line)
    {
        var text = Encoding.UTF8.GetString(line);
        var fields = text.Split(' ');
        if (fields.Length >= 4 && (fields[0] == "%end" || fields[0] == "%error") && fields[1] + " " + fields[2] == _blockKey)
        {
            var block = new ControlEvent(ControlEventKind.Block)
            {
                Number = _blockNumber,
                FromClient = _blockFromClient,
                Failed = fields[0] == "%error",
                Lines = _blockLines!,
            };
            _blockLines = null;
            _blockKey = null;
            return block;
        }

        _blockLines!.Add(text);
        return null;
    }

    /// <summary>tmux's escaping undone: <c>\ooo</c> (three octal digits) is that byte, <c>\\</c> a backslash.</summary>
    public static byte[] Unescape(ReadOnlySpan<byte> data)
    {
        var result = new byte[data.Length];
        var length = 0;
        for (var i = 0; i < data.Length; i++)
        {
            var b = data[i];
            if (b == (byte)'\\' && i + 3 < data.Length && IsOctal(data[i + 1]) && IsOctal(data[i + 2]) && IsOctal(data[i + 3]))
            {
                result[length++] = (byte)(((data[i + 1] - '0') << 6) | ((data[i + 2] - '0') << 3) | (data[i + 3] - '0'));
                i += 3;
            }
            else if (b == (byte)'\\' && i + 1 < data.Length && data[i + 1] == (byte)'\\')
            {
                result[length++] = (byte)'\\';
                i++;
            }
            else
            {
                result[length++] = b;
            }
        }

        return result.AsSpan(0, length).ToArray();
    }

    private static bool IsOctal(byte b) => b is >= (byte)'0' and <= (byte)'7';
}
