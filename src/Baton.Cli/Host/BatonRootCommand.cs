using System.CommandLine;

namespace Baton.Cli.Host;

/// <summary>The root of `baton`'s commands; it carries where this run reads and writes, so every handler gets it from its parse.</summary>
internal sealed class BatonRootCommand : RootCommand
{
    public BatonRootCommand(CliOutput output, CliEnvironment environment)
        : base("Baton runs a team of AI coding agents on one repository, each in its own tmux session.")
    {
        Output = output;
        Environment = environment;
    }

    public CliOutput Output { get; }

    public CliEnvironment Environment { get; }
}
