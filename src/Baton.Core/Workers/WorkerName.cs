using System.Text.RegularExpressions;

namespace Baton.Core.Workers;

/// <summary>Worker names end up in tmux session names, file names and SQL: keep them boring.</summary>
public static partial class WorkerName
{
    public const int MaxLength = 40;

    private static readonly string[] Adjectives =
    [
        "amber", "brisk", "calm", "deft", "eager", "fair", "glad", "hardy", "keen", "lucid",
        "merry", "nimble", "plucky", "quick", "rapid", "sage", "steady", "swift", "tidy", "witty",
    ];

    private static readonly string[] Nouns =
    [
        "otter", "heron", "falcon", "badger", "lynx", "marten", "osprey", "raven", "stoat", "wren",
        "beaver", "condor", "ferret", "gecko", "ibis", "kestrel", "lemur", "newt", "puffin", "tern",
    ];

    [GeneratedRegex("^[a-z0-9-]{1,40}$")]
    private static partial Regex ValidPattern();

    public static bool IsValid(string? name) => name is not null && ValidPattern().IsMatch(name);

    /// <summary>Throws a usage error that says what is allowed when <paramref name="name"/> is not valid.</summary>
    public static string Validate(string? name)
    {
        if (IsValid(name))
        {
            return name!;
        }

        var shown = name is null ? "(none)" : $"'{name}'";
        throw BatonException.Usage(
            $"invalid worker name {shown}: use 1 to {MaxLength} lowercase letters, digits or '-' (for example auth-worker)");
    }

    /// <summary>A readable name such as <c>swift-otter</c> that is not in <paramref name="taken"/>.</summary>
    public static string Generate(Func<string, bool> taken, Random random)
    {
        ArgumentNullException.ThrowIfNull(taken);
        ArgumentNullException.ThrowIfNull(random);
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var candidate = $"{Adjectives[random.Next(Adjectives.Length)]}-{Nouns[random.Next(Nouns.Length)]}";
            if (attempt >= 20)
            {
                candidate += "-" + random.Next(2, 1000).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            if (!taken(candidate))
            {
                return candidate;
            }
        }

        throw new BatonException("could not find a free worker name; pass one with --name");
    }
}
