using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Baton.Cli.Host;

/// <summary>
/// Turns the parser's errors into what a user of git would expect: an unknown command is named as
/// such with the nearest ones suggested, and a value that does not convert says what is expected
/// (never a .NET type name such as System.Int32).
/// </summary>
internal static class UsageErrors
{
    /// <summary>The message for the first error a user should fix, without the `baton: ` prefix.</summary>
    public static string Describe(ParseResult parsed)
    {
        ArgumentNullException.ThrowIfNull(parsed);
        if (UnknownFirstWord(parsed) is { } word)
        {
            // `baton tickt list`: the parser goes on to match `list`, but the mistake is the first word.
            return $"'{word}' is not a `baton` command (see `baton --help`)" + Suggestions(word, parsed.RootCommandResult.Command);
        }

        var command = parsed.CommandResult.Command;
        var path = CommandPath(parsed.CommandResult);
        if (UnknownCommand(parsed, command) is { } unknown)
        {
            return $"'{unknown}' is not a `{path}` command (see `{path} --help`)" + Suggestions(unknown, command);
        }

        foreach (var error in parsed.Errors)
        {
            if (Conversion(error) is { } message)
            {
                return $"{message} (see `{path} --help`)";
            }
        }

        var first = parsed.Errors[0].Message;
        if (command.Subcommands.Count > 0 && parsed.UnmatchedTokens.Count == 0 && command.Action is null)
        {
            // "Required command was not provided.": say which ones there are.
            var names = string.Join(", ", command.Subcommands.Where(c => !c.Hidden).Select(c => c.Name));
            return $"`{path}` needs a command: {names} (see `{path} --help`)";
        }

        return $"{first} (see `{path} --help`)";
    }

    /// <summary>`baton a b c`: the names of the commands the parse reached, outermost first.</summary>
    public static string CommandPath(CommandResult result)
    {
        var names = new List<string>();
        for (CommandResult? r = result; r is not null; r = r.Parent as CommandResult)
        {
            names.Insert(0, r.Parent is null ? "baton" : r.Command.Name);
        }

        return string.Join(' ', names);
    }

    /// <summary>The first word of the line when it names no command but a later word does.</summary>
    private static string? UnknownFirstWord(ParseResult parsed)
    {
        if (parsed.Tokens.Count < 2 || parsed.Tokens[0] is not { Type: TokenType.Argument } first || first.Value.StartsWith('-'))
        {
            return null;
        }

        return parsed.CommandResult.Parent is not null && parsed.UnmatchedTokens.Contains(first.Value) ? first.Value : null;
    }

    private static string? UnknownCommand(ParseResult parsed, Command command)
    {
        // A command with subcommands and no arguments of its own reads its first word as a command name.
        if (command.Subcommands.Count == 0 || command.Arguments.Count > 0)
        {
            return null;
        }

        return parsed.UnmatchedTokens.FirstOrDefault(t => !t.StartsWith('-'));
    }

    private static string Suggestions(string typed, Command command)
    {
        var names = command.Subcommands.Where(c => !c.Hidden).SelectMany(c => c.Aliases.Prepend(c.Name)).Distinct(StringComparer.Ordinal).ToList();
        var near = Nearest(typed, names);
        return near.Count switch
        {
            0 => "",
            1 => "\n\nThe most similar command is\n\t" + near[0],
            _ => "\n\nThe most similar commands are\n\t" + string.Join("\n\t", near),
        };
    }

    /// <summary>
    /// The names closest to <paramref name="typed"/>: those at the smallest edit distance (a swap of
    /// two neighbouring letters counts as one edit, as in `spwan`), if it is small for the word's
    /// length, and those <paramref name="typed"/> begins.
    /// </summary>
    public static IReadOnlyList<string> Nearest(string typed, IReadOnlyList<string> names)
    {
        ArgumentNullException.ThrowIfNull(typed);
        ArgumentNullException.ThrowIfNull(names);
        var scored = names.Select(n => (Name: n, Distance: Distance(typed.ToLowerInvariant(), n))).ToList();
        var limit = Math.Max(1, typed.Length / 3);
        var best = scored.Where(s => s.Distance <= limit).Select(s => s.Distance).DefaultIfEmpty(int.MaxValue).Min();
        return scored
            .Where(s => s.Distance == best || (typed.Length >= 2 && s.Name.StartsWith(typed, StringComparison.OrdinalIgnoreCase)))
            .OrderBy(s => s.Distance).ThenBy(s => s.Name, StringComparer.Ordinal)
            .Select(s => s.Name).ToList();
    }

    /// <summary>Optimal string alignment distance: insertions, deletions, substitutions and adjacent swaps.</summary>
    public static int Distance(string a, string b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    /// <summary>A value that did not convert to its option's or argument's type, said in words.</summary>
    private static string? Conversion(ParseError error)
    {
        var (name, type, tokens) = error.SymbolResult switch
        {
            OptionResult o => (o.Option.Name, o.Option.ValueType, o.Tokens),
            ArgumentResult a when a.Parent is OptionResult o => (o.Option.Name, o.Option.ValueType, a.Tokens),
            ArgumentResult a => ($"<{a.Argument.Name}>", a.Argument.ValueType, a.Tokens),
            _ => (null, null, null),
        };

        // The parser's own conversion message names the value's .NET type: that is how it is told apart.
        if (name is null || type is null || !error.Message.Contains(type.ToString(), StringComparison.Ordinal))
        {
            return null;
        }

        var value = tokens is { Count: > 0 } ? tokens[^1].Value : "";
        return $"{name} expects {Expected(type)}, not '{value}'";
    }

    /// <summary>What a value of <paramref name="type"/> looks like, in words.</summary>
    public static string Expected(Type type)
    {
        ArgumentNullException.ThrowIfNull(type);
        var inner = Nullable.GetUnderlyingType(type) ?? type;
        if (inner.IsArray && inner.GetElementType() is { } element)
        {
            return Expected(element);
        }

        return inner switch
        {
            _ when inner == typeof(int) => string.Create(CultureInfo.InvariantCulture, $"a whole number (at most {int.MaxValue})"),
            _ when inner == typeof(long) => string.Create(CultureInfo.InvariantCulture, $"a whole number (at most {long.MaxValue})"),
            _ when inner == typeof(double) || inner == typeof(decimal) => "a number such as 2 or 0.5",
            _ when inner == typeof(bool) => "true or false",
            _ when inner == typeof(TimeSpan) => "a duration such as 00:05:00",
            _ => "a different value",
        };
    }
}
