using Spectre.Console;

namespace Baton.Cli.Host;

/// <summary>
/// Where a command reads and writes: the real terminal for `baton`, writers a test reads for a command
/// run in-process. Handlers never touch <see cref="Console"/> or the static <see cref="AnsiConsole"/>.
/// </summary>
public sealed class CliOutput
{
    private readonly Lazy<IAnsiConsole> _console;

    public CliOutput(TextWriter output, TextWriter error, TextReader input, IAnsiConsole console, bool isOutputRedirected)
        : this(output, error, input, Given(console), isOutputRedirected)
    {
    }

    /// <summary>
    /// The console made when a command first writes a table or markup: Spectre's start (terminal
    /// detection, its tables) is not paid by the commands that print plain lines (`ticket show`).
    /// </summary>
    private CliOutput(TextWriter output, TextWriter error, TextReader input, Func<IAnsiConsole> console, bool isOutputRedirected)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(input);
        Out = output;
        Error = error;
        In = input;
        _console = new Lazy<IAnsiConsole>(console);
        IsOutputRedirected = isOutputRedirected;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public TextReader In { get; }

    /// <summary>Tables, markup and the live view; it writes to the same place as <see cref="Out"/>.</summary>
    public IAnsiConsole Console => _console.Value;

    /// <summary>Output is not a terminal: the autopilot and the demo print plain lines instead of a live view.</summary>
    public bool IsOutputRedirected { get; }

    /// <summary>The process's own standard streams (what `baton` uses).</summary>
    public static CliOutput Terminal()
    {
        var redirected = System.Console.IsOutputRedirected;
        return new(System.Console.Out, System.Console.Error, System.Console.In, () =>
        {
            var console = AnsiConsole.Console;
            console.Profile.Width = Width(Environment.GetEnvironmentVariable("COLUMNS"), redirected, console.Profile.Width);
            return console;
        }, redirected);
    }

    private static Func<IAnsiConsole> Given(IAnsiConsole console)
    {
        ArgumentNullException.ThrowIfNull(console);
        return () => console;
    }

    /// <summary>Width of a table when no terminal says how wide it is: rows are never wrapped for a pipe.</summary>
    public const int UnboundedWidth = 4096;

    /// <summary>
    /// The width tables are laid out for: <c>COLUMNS</c> when it is set (as `ls` and git do), else the
    /// terminal's, else (output piped) wide enough that no row is wrapped or a word broken.
    /// </summary>
    public static int Width(string? columns, bool redirected, int terminalWidth) =>
        int.TryParse(columns, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n is > 0 and <= UnboundedWidth ? n
        : redirected ? UnboundedWidth
        : terminalWidth;

    /// <summary>Writers a caller reads afterwards: no colours, no terminal, <paramref name="input"/> as standard input.</summary>
    public static CliOutput Capture(TextWriter output, TextWriter error, string input = "")
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Out = new AnsiConsoleOutput(output),
        });

        // As a piped `baton` without COLUMNS: the in-process and the real output stay the same.
        console.Profile.Width = UnboundedWidth;
        return new CliOutput(output, error, new StringReader(input), console, isOutputRedirected: true);
    }
}
