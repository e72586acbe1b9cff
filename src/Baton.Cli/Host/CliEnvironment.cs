namespace Baton.Cli.Host;

/// <summary>
/// The working directory and environment variables a command sees: the process's own for `baton`,
/// given ones for a command run in-process (a test must not change the process's directory).
/// </summary>
public sealed class CliEnvironment
{
    private readonly Func<string, string?> _variable;

    public CliEnvironment(string workingDirectory, Func<string, string?> variable)
    {
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        ArgumentNullException.ThrowIfNull(variable);
        WorkingDirectory = workingDirectory;
        _variable = variable;
    }

    public string WorkingDirectory { get; }

    /// <summary>The variable's value, or null when it is unset or empty.</summary>
    public string? Variable(string name) => _variable(name) is { Length: > 0 } value ? value : null;

    public static CliEnvironment Process() => new(Directory.GetCurrentDirectory(), Environment.GetEnvironmentVariable);
}
