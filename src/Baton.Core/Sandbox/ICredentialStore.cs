namespace Baton.Core.Sandbox;

/// <summary>
/// Secrets per worker or per role (<c>baton credentials</c>), kept outside the repository, readable
/// by their owner only, and given only to that worker's or role's sandbox.
/// </summary>
public interface ICredentialStore
{
    void Set(CredentialScope scope, string name, string value);

    /// <summary>False when there was no such credential.</summary>
    bool Unset(CredentialScope scope, string name);

    /// <summary>Every stored name by scope; never a value.</summary>
    IReadOnlyList<(CredentialScope Scope, string Name)> List();

    /// <summary>The variables a worker's sandbox gets: its role's, then its own (which win).</summary>
    IReadOnlyDictionary<string, string> For(string worker, string? role);

    /// <summary>Every stored value, for the redactor.</summary>
    IReadOnlyList<string> Values();
}
