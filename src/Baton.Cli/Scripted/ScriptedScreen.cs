using System.Text;

namespace Baton.Cli.Scripted;

/// <summary>
/// The scripted agent's screen, redrawn whole on every change: its output log, a status line
/// (ready, busy with "esc to interrupt", or a [y/n] question) and the "> " input line at the bottom,
/// laid out like the real agent TUIs so the same kind of screen patterns read it.
/// </summary>
internal sealed class ScriptedScreen
{
    private readonly List<string> _log = [];
    private readonly object _gate = new();
    private string _status = "";
    private string _input = "";
    private bool _showInput;

    public void Print(string line)
    {
        lock (_gate)
        {
            foreach (var part in line.Replace("\r", "", StringComparison.Ordinal).Split('\n'))
            {
                _log.Add(part);
            }

            if (_log.Count > 2000)
            {
                _log.RemoveRange(0, _log.Count - 2000);
            }

            Draw();
        }
    }

    public void Status(string status, bool showInput = true)
    {
        lock (_gate)
        {
            _status = status;
            _showInput = showInput;
            Draw();
        }
    }

    public void Input(string input)
    {
        lock (_gate)
        {
            _input = input;
            Draw();
        }
    }

    private void Draw()
    {
        int width = 80, height = 24;
        try
        {
            width = Math.Max(20, Console.WindowWidth);
            height = Math.Max(5, Console.WindowHeight);
        }
        catch (IOException)
        {
            // Not a terminal: keep the defaults.
        }

        var bottom = new List<string> { Fit(_status, width) };
        if (_showInput)
        {
            bottom.Add(Fit("> " + _input.Replace("\n", "⏎", StringComparison.Ordinal).Replace("\t", "→", StringComparison.Ordinal), width));
        }

        var room = height - bottom.Count - 1;
        // Output sits right above the status line, as in a scrolling terminal: pad above it.
        var sb = new StringBuilder("\u001b[H\u001b[2J");
        for (var i = Math.Min(room, _log.Count); i < room; i++)
        {
            sb.Append("\r\n");
        }

        foreach (var line in _log.Skip(Math.Max(0, _log.Count - room)))
        {
            sb.Append(Fit(line, width)).Append("\r\n");
        }

        sb.Append("\r\n").Append(string.Join("\r\n", bottom));
        Console.Out.Write(sb.ToString());
        Console.Out.Flush();
    }

    private static string Fit(string line, int width)
    {
        // Keep the last column free so no line wraps: wrapped lines would shift the layout.
        return line.Length < width ? line : line[..(width - 1)];
    }
}
