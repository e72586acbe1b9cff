using Baton.Cli;
using Baton.Cli.Host;
using Xunit;

namespace Baton.IntegrationTests.Cli;

/// <summary>The table a run picks its one command from must name each command as the command names itself.</summary>
public sealed class CommandTableTests
{
    [Fact]
    public void Each_entry_names_the_command_its_factory_builds_with_its_aliases_and_none_is_missing()
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var factory in Program.Commands)
        {
            var command = factory.Create();
            Assert.Equal(factory.Names, new[] { command.Name }.Concat(command.Aliases));
            Assert.All(factory.Names, n => Assert.True(names.Add(n), $"'{n}' is in the table twice"));
        }

        var root = Program.CreateRoot(CliOutput.Capture(TextWriter.Null, TextWriter.Null), new CliEnvironment(Path.GetTempPath(), _ => null));
        Assert.Equal(Program.Commands.Length, root.Subcommands.Count);
        Assert.Contains(root.Subcommands, c => c.Name == "mcp");
    }

    [Theory]
    [InlineData("ticket")]
    [InlineData("tickets")]
    [InlineData("ls")]
    public void A_run_whose_first_word_names_a_command_builds_that_one_only(string first)
    {
        var output = CliOutput.Capture(TextWriter.Null, TextWriter.Null);

        var root = Program.CreateRoot(output, new CliEnvironment(Path.GetTempPath(), _ => null), first);

        var only = Assert.Single(root.Subcommands);
        Assert.Contains(first, new[] { only.Name }.Concat(only.Aliases));
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("tickt")]
    public void Help_and_an_unknown_word_build_every_command_so_help_lists_them_and_errors_can_suggest(string first)
    {
        var root = Program.CreateRoot(CliOutput.Capture(TextWriter.Null, TextWriter.Null), new CliEnvironment(Path.GetTempPath(), _ => null), first);

        Assert.Equal(Program.Commands.Length, root.Subcommands.Count);
    }

    [Fact]
    public async Task The_unknown_word_is_still_answered_with_the_usage_error_that_names_it()
    {
        using var error = new StringWriter();

        var code = await Program.RunAsync(["tickt", "list"], CliOutput.Capture(TextWriter.Null, error), new CliEnvironment(Path.GetTempPath(), _ => null));

        Assert.Equal(Baton.Core.BatonException.UsageExitCode, code);
        Assert.Contains("tickt", error.ToString(), StringComparison.Ordinal);
    }
}
