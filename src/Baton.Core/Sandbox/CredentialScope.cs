using System.Text.RegularExpressions;

namespace Baton.Core.Sandbox;

/// <summary>Whose a credential is: one worker's (by name) or every worker of a role's.</summary>
public sealed partial record CredentialScope(bool IsRole, string Name)
{
    public string Kind => IsRole ? "role" : "worker";

    public override string ToString() => $"{Kind} {Name}";

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]{0,99}$")]
    private static partial Regex VariablePattern();

    /// <summary>An environment variable's name, or a usage error that says what one looks like.</summary>
    public static string ValidName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return VariablePattern().IsMatch(name)
            ? name
            : throw BatonException.Usage($"'{name}' is not a variable name: letters, digits and '_', not starting with a digit (e.g. ANTHROPIC_API_KEY)");
    }
}
