using Baton.Core.Workers;

namespace Baton.Infrastructure.Workers;

public sealed class Executables : IExecutables
{
    public Executables()
    {
        var process = Environment.ProcessPath ?? "baton";
        // Under `dotnet baton.dll` (tests, development) the process is the dotnet host.
        Self = Path.GetFileNameWithoutExtension(process) == "dotnet"
            ? [process, Path.Combine(AppContext.BaseDirectory, "baton.dll")]
            : [process];
    }

    public IReadOnlyList<string> Self { get; }

    public IReadOnlyList<string> Hook
    {
        get
        {
            var sibling = Path.Combine(Path.GetDirectoryName(Self[^1]) ?? ".", "baton-hook");
            return Self.Count == 1 && IsExecutable(sibling) ? [sibling] : [.. Self, "hook"];
        }
    }

    public string? Resolve(string command)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Length == 0)
        {
            return null;
        }

        if (command.Contains('/', StringComparison.Ordinal))
        {
            return IsExecutable(command) ? Path.GetFullPath(command) : null;
        }

        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(dir, command);
            if (IsExecutable(candidate))
            {
                return candidate;
            }
        }

        return null;
    }

    private static bool IsExecutable(string path) =>
        File.Exists(path) && (OperatingSystem.IsWindows() || (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) != 0);
}
