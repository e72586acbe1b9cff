namespace Baton.Core.Config;

/// <summary>What `baton init` writes besides folders, and where its formats live (the adapters).</summary>
public interface IProjectSetup
{
    /// <summary>The commented config.yaml a new project starts with.</summary>
    string DefaultConfig { get; }

    /// <summary>Parses an existing config file; throws a <see cref="BatonException"/> naming the file and line.</summary>
    void CheckConfig(string path, string text);

    /// <summary>The built-in roles and directives, written out for the user to read and change.</summary>
    IReadOnlyList<BuiltInFile> BuiltIns();

    /// <summary>Creates the store (or migrates one that exists).</summary>
    void CreateStore(string database);

    /// <summary>Creates the schema in the shared store at <paramref name="url"/>, or joins one that holds it; returns the URL to save (no password).</summary>
    string CreateSharedStore(string url);
}
