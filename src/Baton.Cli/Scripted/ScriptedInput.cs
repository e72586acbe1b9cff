using System.Text;
using System.Threading.Channels;

namespace Baton.Cli.Scripted;

/// <summary>What a key press means to the scripted agent.</summary>
internal abstract record InputEvent
{
    public sealed record Text(string Value) : InputEvent;
    public sealed record Submit : InputEvent;
    public sealed record Backspace : InputEvent;
    public sealed record Escape : InputEvent;
    public sealed record Interrupt : InputEvent;
    public sealed record ClearLine : InputEvent;
    public sealed record EndOfInput : InputEvent;
}

/// <summary>
/// Reads the terminal byte by byte (the tty is in non-canonical mode) and turns bytes into events:
/// a bracketed paste (ESC[200~ ... ESC[201~) arrives as one text event with its newlines kept,
/// Enter outside a paste submits, a lone ESC interrupts.
/// </summary>
internal sealed class ScriptedInput
{
    private const string PasteStart = "\u001b[200~";
    private const string PasteEnd = "\u001b[201~";
    private readonly Channel<InputEvent> _events = Channel.CreateUnbounded<InputEvent>();

    public ChannelReader<InputEvent> Events => _events.Reader;

    public void Start()
    {
        var thread = new Thread(ReadLoop) { IsBackground = true, Name = "scripted-input" };
        thread.Start();
    }

    private void ReadLoop()
    {
        // Not Console.OpenStandardInput: on a terminal .NET hands that stream whole lines from its
        // own line editor (echoing as it goes), so a single "y" would never arrive.
        using var stdin = new FileStream(new Microsoft.Win32.SafeHandles.SafeFileHandle(0, ownsHandle: false), FileAccess.Read, 1);
        var decoder = Encoding.UTF8.GetDecoder();
        var bytes = new byte[4096];
        var chars = new char[8192];
        var pending = new StringBuilder();
        var inPaste = false;
        var paste = new StringBuilder();
        while (true)
        {
            var n = stdin.Read(bytes, 0, bytes.Length);
            if (n <= 0)
            {
                _events.Writer.TryWrite(new InputEvent.EndOfInput());
                return;
            }

            var count = decoder.GetChars(bytes, 0, n, chars, 0);
            pending.Append(chars, 0, count);
            var text = pending.ToString();
            pending.Clear();
            var i = 0;
            while (i < text.Length)
            {
                if (inPaste)
                {
                    var end = text.IndexOf(PasteEnd, i, StringComparison.Ordinal);
                    if (end < 0)
                    {
                        // Keep a possible partial end marker for the next read.
                        var keep = Math.Min(PasteEnd.Length - 1, text.Length - i);
                        paste.Append(text, i, text.Length - i - keep);
                        pending.Append(text, text.Length - keep, keep);
                        break;
                    }

                    paste.Append(text, i, end - i);
                    _events.Writer.TryWrite(new InputEvent.Text(paste.ToString().Replace("\r\n", "\n", StringComparison.Ordinal).Replace('\r', '\n')));
                    paste.Clear();
                    inPaste = false;
                    i = end + PasteEnd.Length;
                    continue;
                }

                var c = text[i];
                if (c == '\u001b')
                {
                    if (i + 1 >= text.Length)
                    {
                        _events.Writer.TryWrite(new InputEvent.Escape());
                        i++;
                        continue;
                    }

                    if (string.CompareOrdinal(text, i, PasteStart, 0, PasteStart.Length) == 0)
                    {
                        inPaste = true;
                        i += PasteStart.Length;
                        continue;
                    }

                    if (text.Length - i < PasteStart.Length && PasteStart.StartsWith(text[i..], StringComparison.Ordinal))
                    {
                        pending.Append(text, i, text.Length - i);
                        break;
                    }

                    // Some other escape sequence (arrow keys...): skip ESC [ params final-byte.
                    i++;
                    if (i < text.Length && text[i] == '[')
                    {
                        i++;
                        while (i < text.Length && text[i] is >= '0' and <= '?')
                        {
                            i++;
                        }

                        i++;
                    }

                    continue;
                }

                InputEvent e = c switch
                {
                    '\r' or '\n' => new InputEvent.Submit(),
                    '\u007f' or '\b' => new InputEvent.Backspace(),
                    '\u0003' => new InputEvent.Interrupt(),
                    '\u0015' => new InputEvent.ClearLine(),
                    _ => new InputEvent.Text(c.ToString()),
                };
                if (e is InputEvent.Text { Value: var v } && char.IsControl(v[0]) && v[0] != '\t')
                {
                    i++;
                    continue;
                }

                _events.Writer.TryWrite(e);
                i++;
            }
        }
    }
}
