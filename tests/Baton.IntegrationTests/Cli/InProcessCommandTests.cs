using Baton.Cli;
using Baton.Cli.Host;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Cli;

/// <summary>
/// Commands run in this process through <see cref="Program.RunAsync"/> with their output captured,
/// against a real repository and store; each result is compared with the real `baton` process's.
/// </summary>
public sealed class InProcessCommandTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private CliResult WithInput(string? stdin, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(_repo.Dir, name => name == "BATON_TMUX_SOCKET" ? _repo.Socket : name == "NO_COLOR" ? "1" : null);
        var code = Program.RunAsync(args, CliOutput.Capture(output, error, stdin ?? ""), environment).GetAwaiter().GetResult();
        return new CliResult(code, output.ToString(), error.ToString());
    }

    private CliResult InProcess(params string[] args) => WithInput(null, args);

    [Fact]
    public void Ticket_create_list_and_show_print_what_the_real_cli_prints()
    {
        // Given two tickets filed in-process, one with its body on standard input
        var created = InProcess("ticket", "create", "Add JWT auth", "--priority", "high", "--label", "backend", "--json").Ok();
        Assert.Equal("T-1", created.Json().GetProperty("id").GetString());
        var quiet = WithInput("the body\nfrom stdin\n", "ticket", "create", "Auth UI", "--depends-on", "T-1", "--body", "-").Ok();
        Assert.Equal("T-2 open: Auth UI\n", quiet.Stdout);
        Assert.Equal("", quiet.Stderr);

        // When and Then: every view is byte for byte the real process's
        foreach (var args in new[]
        {
            new[] { "ticket", "list" },
            ["ticket", "list", "--json"],
            ["ticket", "list", "--ready"],
            ["ticket", "show", "T-2"],
            ["ticket", "show", "T-2", "--json"],
        })
        {
            var inProcess = InProcess(args).Ok();
            var real = _repo.Baton(args).Ok();
            Assert.Equal(real.Stdout, inProcess.Stdout);
            Assert.Equal(real.Stderr, inProcess.Stderr);
        }

        Assert.Contains("from stdin", InProcess("ticket", "show", "T-2").Stdout);
        Assert.Equal(2, InProcess("ticket", "list", "--json").Json().GetArrayLength());
    }

    [Fact]
    public void A_user_error_with_json_prints_the_error_object_and_exits_2()
    {
        var shown = InProcess("ticket", "show", "T-99", "--json");

        Assert.Equal(2, shown.ExitCode);
        var error = shown.Json();
        Assert.Equal(2, error.GetProperty("exit_code").GetInt32());
        Assert.Contains("T-99", error.GetProperty("error").GetString());
        Assert.StartsWith("baton: ", shown.Stderr);
        var real = _repo.Baton("ticket", "show", "T-99", "--json");
        Assert.Equal((real.ExitCode, real.Stdout, real.Stderr), (shown.ExitCode, shown.Stdout, shown.Stderr));
    }

    [Fact]
    public void Bad_input_is_a_usage_error_in_process_too()
    {
        InProcess("ticket", "create", "A").Ok();

        Assert.Equal(2, InProcess("ticket", "create", "x", "--priority", "urgent").ExitCode);
        Assert.Equal(2, InProcess("ticket", "create", "   ").ExitCode);
        Assert.Equal(2, InProcess("ticket", "update", "T-1", "--status", "finished").ExitCode);
        Assert.Equal(2, InProcess("ticket", "list", "--limit", "0").ExitCode);
        Assert.Equal(2, InProcess("events", "log", "BAD TYPE", "x").ExitCode);
        Assert.Equal(2, InProcess("events", "import", "").ExitCode);
        Assert.Equal(2, InProcess("export", "--output", "").ExitCode);

        var parse = InProcess("ticket", "list", "--no-such-option");
        Assert.Equal(2, parse.ExitCode);
        Assert.Contains("see `baton ticket list --help`", parse.Stderr);
        Assert.Equal("", parse.Stdout);
    }

    [Fact]
    public void Help_goes_to_the_injected_output()
    {
        var help = InProcess("ticket", "--help").Ok();

        Assert.Contains("create", help.Stdout);
        Assert.Contains("Create, list, show, assign and update tickets", help.Stdout);
    }

    [Fact]
    public async Task A_bug_is_an_internal_error_with_exit_code_70_not_a_usage_error()
    {
        // Given standard input that fails the way only a bug would (an ArgumentException included)
        using var output = new StringWriter();
        using var error = new StringWriter();
        var console = CliOutput.Capture(output, error).Console;
        var broken = new CliOutput(output, error, new Broken(), console, isOutputRedirected: true);
        var environment = new CliEnvironment(_repo.Dir, name => name == "BATON_TMUX_SOCKET" ? _repo.Socket : null);

        // When a command reads it
        var code = await Program.RunAsync(["ticket", "create", "x", "--body", "-", "--json"], broken, environment);

        // Then it says so plainly, in JSON too
        Assert.Equal(70, code);
        Assert.Contains("baton: internal error (ArgumentException): broken on purpose", error.ToString());
        Assert.Contains("\"exit_code\": 70", output.ToString());
    }

    private sealed class Broken : TextReader
    {
        public override Task<string> ReadToEndAsync(CancellationToken cancellationToken) => throw new ArgumentException("broken on purpose");
    }
}
