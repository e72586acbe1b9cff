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
            || upper.EndsWith("_PASSWORD", StringComparison.Ordinal)
            || upper.EndsWith("_KEY", StringComparison.Ordinal) && upper.Contains("PRIVATE", StringComparison.Ordinal);
    }

    // sk-ant-..., sk-proj-..., sk-..., GitHub tokens (ghp_, gho_, ghs_, ghu_, ghr_, github_pat_),
    // Slack xox?- tokens, AWS access key ids, and Bearer headers.
    [GeneratedRegex(@"sk-ant-[A-Za-z0-9_\-]{8,}|sk-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}|xox[abprs]-[A-Za-z0-9\-]{10,}|AKIA[0-9A-Z]{16}|(?<=Bearer\s)[A-Za-z0-9._\-]{12,}")]
    private static partial Regex KnownKeyShapes();

    public string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }

        var result = text;
        foreach (var secret in _secretValues)
        {
            result = result.Replace(secret, Mask, StringComparison.Ordinal);
        }

        return KnownKeyShapes().Replace(result, Mask);
    }
}
