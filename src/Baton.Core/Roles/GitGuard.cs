using System.Text.Json;
using System.Text.Json.Serialization;

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
        // Protected branches may be globs (feature/*/overseer): only the merge queue or an overseer moves those.
        var hit = refs.FirstOrDefault(r => r.StartsWith("refs/heads/", StringComparison.Ordinal) && policy.ProtectedBranches.Any(b => Matches(b, r["refs/heads/".Length..])));
        return hit is null
            ? null
            : $"role '{policy.Role}' may not {what} protected branch {hit["refs/heads/".Length..]} (protected: {string.Join(", ", policy.ProtectedBranches)}); only the merge queue or an overseer does";
    }

    /// <summary>Globs: <c>**</c> any path, <c>*</c> any name part, <c>?</c> one character; a trailing '/' means everything under it; a plain name only itself.</summary>
    public static bool Matches(string glob, string path)
    {
        ArgumentNullException.ThrowIfNull(glob);
        ArgumentNullException.ThrowIfNull(path);
        return Conflicts.Glob.Matches(glob, path, plainNameCoversFolder: false);
    }
}
