using Spectre.Console;

namespace Baton.Cli.Host;

/// <summary>
/// Where a command reads and writes: the real terminal for `baton`, writers a test reads for a command
/// run in-process. Handlers never touch <see cref="Console"/> or the static <see cref="AnsiConsole"/>.
/// </summary>
public sealed class CliOutput
{
    public CliOutput(TextWriter output, TextWriter error, TextReader input, IAnsiConsole console, bool isOutputRedirected)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(console);
        Out = output;
        Error = error;
        In = input;
        Console = console;
        IsOutputRedirected = isOutputRedirected;
    }

    public TextWriter Out { get; }

    public TextWriter Error { get; }

    public TextReader In { get; }

    /// <summary>Tables, markup and the live view; it writes to the same place as <see cref="Out"/>.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>Output is not a terminal: the autopilot and the demo print plain lines instead of a live view.</summary>
    public bool IsOutputRedirected { get; }

    /// <summary>The process's own standard streams (what `baton` uses).</summary>
    public static CliOutput Terminal() =>
        new(System.Console.Out, System.Console.Error, System.Console.In, AnsiConsole.Console, System.Console.IsOutputRedirected);

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
        return new CliOutput(output, error, new StringReader(input), console, isOutputRedirected: true);
    }
}
