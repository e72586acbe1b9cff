using System.Text.RegularExpressions;
using Baton.Core.Processes;

namespace Baton.Core.Security;

/// <summary>
/// Removes secrets from anything Baton writes down: values of environment variables whose names
/// look like keys or tokens, and strings shaped like well-known keys.
/// </summary>
public sealed partial class Redactor
{
    public const string Mask = "[REDACTED]";

    private readonly string[] _secretValues;

    public Redactor(IEnumerable<KeyValuePair<string, string?>> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        _secretValues = environment
            .Where(kv => IsSecretName(kv.Key) && kv.Value is { Length: >= 6 })
            .Select(kv => kv.Value!)
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ToArray();
    }

    private Redactor(string[] secretValues)
    {
        _secretValues = secretValues;
    }

    /// <summary>
    /// This redactor plus secrets that live in no environment variable (a token read from
    /// `gh auth token`, say), so they are masked like the others.
    /// </summary>
    public Redactor With(params string[] secrets)
    {
        ArgumentNullException.ThrowIfNull(secrets);
        return new Redactor(_secretValues.Concat(secrets.Where(s => s is { Length: >= 6 }))
            .Distinct(StringComparer.Ordinal)
            .OrderByDescending(v => v.Length)
            .ToArray());
    }

    /// <summary>Masks the values of the secret-looking variables among <paramref name="variables"/> (the process's, in production).</summary>
    public static Redactor From(IEnvironmentVariables variables)
    {
        ArgumentNullException.ThrowIfNull(variables);
        return new Redactor(variables.All());
    }

    /// <summary><c>*_API_KEY</c>, <c>*_TOKEN</c>, <c>*SECRET*</c>, and the obvious variants.</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var upper = name.ToUpperInvariant();
        return upper.EndsWith("_API_KEY", StringComparison.Ordinal)
            || upper == "API_KEY"
            || upper.EndsWith("_TOKEN", StringComparison.Ordinal)
            || upper == "TOKEN"
            || upper.Contains("SECRET", StringComparison.Ordinal)
            || upper.EndsWith("PASSWORD", StringComparison.Ordinal) // BATON_STORE_PASSWORD, PGPASSWORD
            || upper.EndsWith("_KEY", StringComparison.Ordinal) && upper.Contains("PRIVATE", StringComparison.Ordinal);
    }

    // sk-ant-..., sk-proj-..., sk-..., GitHub tokens (ghp_, gho_, ghs_, ghu_, ghr_, github_pat_),
    // Slack xox?- tokens, AWS access key ids, Baton's worker MCP tokens (bw.NAME.secret), and Bearer headers.
    [GeneratedRegex(@"bw\.[a-z0-9\-]{1,40}\.[A-Za-z0-9_\-]{40,}|sk-ant-[A-Za-z0-9_\-]{8,}|sk-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16}|(?<=Bearer\s)[A-Za-z0-9._\-]{12,}")]
    private static partial Regex KnownKeyShapes();

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        return KnownKeyShapes().Replace(MaskValues(text), Mask);
    }

    /// <summary>
    /// Masks what of <paramref name="text"/> can be shown now, and returns apart the end that could
    /// be the start of a secret cut off (see <see cref="PartialSecretLength"/>), with only whole
    /// secret values masked in it: the caller puts it before the next piece.
    /// </summary>
    public (string Shown, string Held) RedactPiece(string text)
    {
        ArgumentNullException.ThrowIfNull(text);

        // Whole values first, so none straddles the cut; key shapes only in what is shown, so a
        // key cut in two is matched once whole rather than masked half and shown half.
        var values = MaskValues(text);
        var keep = PartialSecretLength(values);
        return (KnownKeyShapes().Replace(values[..^keep], Mask), values[^keep..]);
    }

    private string MaskValues(string text)
    {
        var result = text;
        foreach (var secret in _secretValues)
        {
            result = result.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return result;
    }

    /// <summary>Where each known key shape starts (the masked patterns above, without their bodies).</summary>
    private static readonly string[] KeyHeads =
        ["sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "xoxa-", "xoxb-", "xoxp-", "xoxr-", "xoxs-", "AKIA", "Bearer "];

    /// <summary>A trailing run longer than this is not held back as a possible key (memory stays bounded).</summary>
    private const int MaxHeldKeyRun = 512;

    /// <summary>
    /// How many characters at the end of <paramref name="text"/> could be the beginning of a secret
    /// that the text cut off: the longest ending that starts a secret value, or a run that is or
    /// starts a known key shape. A stream holds these back until more text arrives (see
    /// <see cref="StreamRedactor"/>), so a secret split across two chunks is still masked whole.
    /// </summary>
    public int PartialSecretLength(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var held = 0;
        foreach (var secret in _secretValues)
        {
            for (var k = Math.Min(secret.Length - 1, text.Length); k > held; k--)
            {
                // The last character first: most endings are rejected without a comparison.
                if (text[^1] == secret[k - 1] && text.AsSpan(text.Length - k).SequenceEqual(secret.AsSpan(0, k)))
                {
                    held = k;
                    break;
                }
            }
        }

        // The run of key characters at the end (and "Bearer " before it), searched from its start
        // so the longest candidate wins.
        var start = text.Length;
        while (start > 0 && text.Length - start < MaxHeldKeyRun && IsKeyChar(text[start - 1]))
        {
            start--;
        }

        if (start >= 7 && text.AsSpan(start - 7, 7).SequenceEqual("Bearer ") && text.Length - start < MaxHeldKeyRun)
        {
            start -= 7;
        }

        for (var i = start; i < text.Length - held; i++)
        {
            var tail = text.AsSpan(i);
            foreach (var head in KeyHeads)
            {
                if (head.AsSpan().StartsWith(tail) || tail.StartsWith(head) && IsKeyRun(tail[head.Length..]))
                {
                    return text.Length - i;
                }
            }
        }

        return held;
    }

    private static bool IsKeyChar(char c) => char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.';

    private static bool IsKeyRun(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!IsKeyChar(c))
            {
                return false;
            }
        }

        return true;
    }
}
