namespace Baton.Cli.Rendering;

/// <summary>One role as `baton role list --json` prints it.</summary>
public sealed record RoleJson(string Name, string Description, string? Agent, IReadOnlyList<string> Directives, int? Capacity);

/// <summary>The context an agent of a role receives (`baton role show --json`).</summary>
public sealed record RoleContextJson(string Role, string? Worker, string Context);

/// <summary>One directive (`baton directive list|show --json`).</summary>
public sealed record DirectiveJson(string Name, string Description, IReadOnlyList<string> Includes, string Content);

/// <summary>A named agent's memory (`baton memory show|add --json`): null when it has none yet.</summary>
public sealed record MemoryJson(string Name, string File, string? Memory, string? Added);
