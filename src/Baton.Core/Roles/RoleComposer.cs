using System.Text;

namespace Baton.Core.Roles;

/// <summary>
/// Builds the context an agent receives for a role: the role's prompt, then each directive in
/// order, each included directive once (right after the first directive that includes it), every
/// part under its own heading. An include cycle is an error that names it.
/// </summary>
public static class RoleComposer
{
    public static string Compose(Role role, Func<NamedReference, Directive> directive, string? memory = null, string? memoryName = null)
    {
        ArgumentNullException.ThrowIfNull(role);
        ArgumentNullException.ThrowIfNull(directive);
        var sb = new StringBuilder();
        sb.Append("# Role: ").Append(role.Name).Append('\n');
        if (role.Description.Length > 0)
        {
            sb.Append('\n').Append(role.Description.Trim()).Append('\n');
        }

        if (role.Prompt.Trim().Length > 0)
        {
            sb.Append('\n').Append(role.Prompt.Trim()).Append('\n');
        }

        var emitted = new HashSet<string>(StringComparer.Ordinal);
        foreach (var reference in role.Directives)
        {
            Emit(reference, directive, emitted, [], sb);
        }

        if (!string.IsNullOrWhiteSpace(memory))
        {
            sb.Append("\n## Memory of ").Append(memoryName ?? "this agent").Append('\n');
            sb.Append('\n').Append(memory.Trim()).Append('\n');
        }

        return sb.ToString();
    }

    private static void Emit(NamedReference reference, Func<NamedReference, Directive> lookup, HashSet<string> emitted, List<string> path, StringBuilder sb)
    {
        if (path.Contains(reference.Name, StringComparer.Ordinal))
        {
            var cycle = path.Skip(path.IndexOf(reference.Name)).Append(reference.Name);
            throw BatonException.Usage($"{reference.Where}: directive include cycle: {string.Join(" -> ", cycle)}");
        }

        if (emitted.Contains(reference.Name))
        {
            return;
        }

        var directive = lookup(reference);
        emitted.Add(directive.Name);
        sb.Append("\n## Directive: ").Append(directive.Name).Append('\n');
        if (directive.Content.Trim().Length > 0)
        {
            sb.Append('\n').Append(directive.Content.Trim()).Append('\n');
        }

        path.Add(directive.Name);
        foreach (var include in directive.Directives)
        {
            Emit(include, lookup, emitted, path, sb);
        }

        path.RemoveAt(path.Count - 1);
    }
}
