namespace Baton.Core.Git;

/// <summary>Checks a branch name a user gave before it reaches git (the rules of git check-ref-format, plus no leading '-').</summary>
public static class GitRefName
{
    public static string ValidateBranch(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var why = name.Length == 0 ? "it is empty"
            : name.StartsWith('-') ? "it starts with '-'"
            : name.StartsWith('/') || name.EndsWith('/') || name.Contains("//", StringComparison.Ordinal) ? "it has an empty path segment"
            : name.Contains("..", StringComparison.Ordinal) ? "it contains '..'"
            : name.Contains("@{", StringComparison.Ordinal) || name == "@" ? "it contains '@{'"
            : name.EndsWith(".lock", StringComparison.Ordinal) || name.EndsWith('.') ? "it ends with '.lock' or '.'"
            : name.Split('/').Any(s => s.StartsWith('.')) ? "a segment starts with '.'"
            : name.Any(c => char.IsControl(c) || c is ' ' or '~' or '^' or ':' or '?' or '*' or '[' or '\\') ? "it contains a space, a control character or one of ~ ^ : ? * [ \\"
            : null;
        return why is null ? name : throw BatonException.Usage($"invalid branch name '{name}': {why}");
    }
}
