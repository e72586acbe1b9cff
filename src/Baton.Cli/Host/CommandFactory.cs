using System.CommandLine;

namespace Baton.Cli.Host;

/// <summary>A top-level command's names (its name, then its aliases) and the factory that builds it.</summary>
public sealed record CommandFactory(IReadOnlyList<string> Names, Func<Command> Create);
