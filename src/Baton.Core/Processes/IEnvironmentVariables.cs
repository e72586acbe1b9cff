namespace Baton.Core.Processes;

/// <summary>The environment variables Baton was started with (a port, so Core reads none of them itself).</summary>
public interface IEnvironmentVariables
{
    /// <summary>The variable's value; null when it is not set.</summary>
    string? Get(string name);

    /// <summary>Every variable, as the process has them (for the redactor, which masks the values of secret-looking names).</summary>
    IReadOnlyList<KeyValuePair<string, string?>> All();
}
