using Baton.Core.Roles;
using Baton.Infrastructure.Roles;

namespace Baton.Core.Tests.Fakes;

/// <summary>The built-in roles, with roles a test adds (or overrides) in memory.</summary>
public sealed class FakeRoles : IRoleCatalog
{
    private readonly RoleCatalog _builtIn = new(null);

    public Dictionary<string, Role> Extra { get; } = new(StringComparer.Ordinal);

    public Role GetRole(string name) => Extra.TryGetValue(name, out var role) ? role : _builtIn.GetRole(name);

    public Directive GetDirective(string name) => _builtIn.GetDirective(name);

    public IReadOnlyList<string> RoleNames() => [.. _builtIn.RoleNames().Concat(Extra.Keys).Distinct(StringComparer.Ordinal)];

    public IReadOnlyList<string> DirectiveNames() => _builtIn.DirectiveNames();
}
