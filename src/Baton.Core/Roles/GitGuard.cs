using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace Baton.Core.Roles;

/// <summary>What the git guards of one worker enforce: the paths it may commit and the branches it may not move.</summary>
public sealed record GuardPolicy(string Worker, string Role, IReadOnlyList<string> Write, IReadOnlyList<string> ProtectedBranches);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, WriteIndented = true)]
[JsonSerializable(typeof(GuardPolicy))]
internal sealed partial class GuardJsonContext : JsonSerializerContext
{
}

/// <summary>
/// The checks behind the git hooks Baton installs for a role with <c>write</c> globs or
/// <c>protected_branches</c>. They hold whatever the agent's prompt says: git itself refuses.
/// </summary>
public static class GitGuard
{
    public static string Serialize(GuardPolicy policy) => JsonSerializer.Serialize(policy, GuardJsonContext.Default.GuardPolicy);

    public static GuardPolicy Deserialize(string json) =>
        JsonSerializer.Deserialize(json, GuardJsonContext.Default.GuardPolicy) ?? throw new JsonException("empty guard policy");

    /// <summary>Null when every staged path is allowed; else why not.</summary>
    public static string? CheckCommit(GuardPolicy policy, IEnumerable<string> stagedPaths)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(stagedPaths);
        if (policy.Write.Count == 0 || policy.Write.Contains("**"))
        {
            return null;
        }

        var outside = stagedPaths.Where(p => !policy.Write.Any(g => Matches(g, p))).ToList();
        return outside.Count == 0
            ? null
            : $"role '{policy.Role}' may only commit paths matching {string.Join(", ", policy.Write)}; refused: {string.Join(", ", outside.Take(10))}{(outside.Count > 10 ? ", ..." : "")}";
    }

    /// <summary>Null when no updated ref is a protected branch; else why not.</summary>
    public static string? CheckRefs(GuardPolicy policy, IEnumerable<string> refs, string what)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(refs);
        var hit = refs.FirstOrDefault(r => policy.ProtectedBranches.Any(b => r == "refs/heads/" + b));
        return hit is null
            ? null
            : $"role '{policy.Role}' may not {what} protected branch {hit["refs/heads/".Length..]} (protected: {string.Join(", ", policy.ProtectedBranches)}); only the merge queue or an overseer does";
    }

    /// <summary>Globs: <c>**</c> any path, <c>*</c> any name part, <c>?</c> one character; a trailing '/' means everything under it.</summary>
    public static bool Matches(string glob, string path)
    {
        ArgumentNullException.ThrowIfNull(glob);
        ArgumentNullException.ThrowIfNull(path);
        var g = glob.EndsWith('/') ? glob + "**" : glob;
        var pattern = "^" + Regex.Escape(g)
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$";
        return Regex.IsMatch(path, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
    }
}
