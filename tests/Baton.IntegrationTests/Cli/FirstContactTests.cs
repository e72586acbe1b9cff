using System.CommandLine;
using Baton.Cli;
using Baton.Cli.Host;
using Baton.IntegrationTests.Dispatch;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Cli;

/// <summary>
/// What a newcomer meets first (issue 18): typos, help, values of the wrong kind, `--json` on every
/// command that prints, tables in a pipe. The real binary against a real repository.
/// </summary>
public sealed class FirstContactTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Theory]
    [InlineData("lst", "'lst' is not a `baton` command", new[] { "list", "ls" })]
    [InlineData("spwan x", "'spwan' is not a `baton` command", new[] { "spawn" })]
    [InlineData("tickt list", "'tickt' is not a `baton` command", new[] { "ticket" })]
    [InlineData("ticket craete x", "'craete' is not a `baton ticket` command", new[] { "create" })]
    public void A_mistyped_command_is_named_unknown_and_the_nearest_ones_suggested(string line, string said, string[] nearest)
    {
        var typo = _repo.Baton(line.Split(' '));

        Assert.Equal(2, typo.ExitCode);
        Assert.StartsWith("baton: " + said, typo.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("Required command", typo.Stderr, StringComparison.Ordinal);
        var suggested = typo.Stderr.Split('\n').Where(l => l.StartsWith('\t')).Select(l => l.Trim()).ToList();
        Assert.Equal(nearest, suggested);
    }

    [Fact]
    public void A_group_without_its_command_lists_the_commands_it_has()
    {
        var bare = _repo.Baton("ticket");

        Assert.Equal(2, bare.ExitCode);
        Assert.Contains("`baton ticket` needs a command: create, list, show", bare.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Help_shows_optional_arguments_as_optional_and_keeps_its_columns()
    {
        var help = _repo.Baton("--help").Ok().Stdout;

        foreach (var row in new[] { "status [<feature>]", "export [<feature>]", "spawn [<prompt>]", "prophet [<prompt>]", "send <name> <message>", "list, ls" })
        {
            Assert.Contains("  " + row + " ", help, StringComparison.Ordinal);
        }

        // Every row's description starts in one column.
        var rows = help[help.IndexOf("Commands:", StringComparison.Ordinal)..].Split('\n').Skip(1).Where(l => l.StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.True(rows.Count > 20);
        Assert.Single(rows.Select(r => r.IndexOf("  ", 2, StringComparison.Ordinal) + r[r.IndexOf("  ", 2, StringComparison.Ordinal)..].TakeWhile(c => c == ' ').Count()).Distinct());

        Assert.Contains("  create <title>", _repo.Baton("ticket", "--help").Ok().Stdout, StringComparison.Ordinal);
        var spawn = _repo.Baton("spawn", "--help").Ok().Stdout;
        var role = spawn.Split('\n').Single(l => l.TrimStart().StartsWith("--role", StringComparison.Ordinal));
        Assert.DoesNotContain("recorded with the worker", role, StringComparison.Ordinal);
        Assert.Contains("directives", role, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("capture", "x", "--lines", "abc")]
    [InlineData("ticket", "create", "a", "--time-limit", "99999999999")]
    public void A_value_of_the_wrong_kind_says_what_is_expected_not_a_dotnet_type(params string[] args)
    {
        var bad = _repo.Baton(args);

        Assert.Equal(2, bad.ExitCode);
        Assert.DoesNotContain("System.", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{args[^2]} expects a whole number (at most 2147483647), not '{args[^1]}'", bad.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void No_number_option_of_any_command_names_a_dotnet_type_when_given_words()
    {
        var checkedOptions = 0;
        foreach (var (path, command) in Commands(Root()))
        {
            foreach (var option in command.Options.Where(o => (Nullable.GetUnderlyingType(o.ValueType) ?? o.ValueType) is var t && (t == typeof(int) || t == typeof(long) || t == typeof(double))))
            {
                var (code, error) = InProcess([.. path, option.Name, "abc"]);
                Assert.True(code == 2, $"{string.Join(' ', path)} {option.Name} abc exited {code}: {error}");
                Assert.DoesNotContain("System.", error, StringComparison.Ordinal);
                Assert.Contains($"{option.Name} expects ", error, StringComparison.Ordinal);
                checkedOptions++;
            }
        }

        Assert.True(checkedOptions >= 8, $"only {checkedOptions} number options found");
    }

    [Fact]
    public void Every_command_that_prints_takes_json_and_the_exceptions_are_the_stated_ones()
    {
        // Internal programs the agents and the loop run, the dashboard (a server that prints its URL)
        // and the MCP server (JSON-RPC is its output), as the README says.
        var internalOnes = new HashSet<string>(StringComparer.Ordinal) { "baton scripted-agent", "baton headless-run", "baton dashboard", "baton mcp" };
        var without = Commands(Root())
            .Where(c => c.Command.Subcommands.Count == 0 && !internalOnes.Contains(string.Join(' ', c.Path.Prepend("baton"))))
            .Where(c => !c.Command.Options.Any(o => o.Name == "--json"))
            .Select(c => string.Join(' ', c.Path)).ToList();

        Assert.Empty(without);
        var attach = _repo.Baton("attach", "w", "--json");
        Assert.Equal(2, attach.ExitCode);
        Assert.Contains("attach is interactive", attach.Json().GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Roles_directives_memories_and_export_print_json()
    {
        var roles = _repo.Baton("role", "list", "--json").Ok().Json();
        Assert.Contains(roles.EnumerateArray(), r => r.GetProperty("name").GetString() == "worker" && r.GetProperty("directives").GetArrayLength() > 0);
        Assert.Contains("# ", _repo.Baton("role", "show", "worker", "--json").Ok().Json().GetProperty("context").GetString(), StringComparison.Ordinal);
        Assert.True(_repo.Baton("role", "settings", "worker", "--json").Ok().Json().TryGetProperty("hooks", out _));
        Assert.Contains(_repo.Baton("directive", "list", "--json").Ok().Json().EnumerateArray(), d => d.GetProperty("name").GetString() == "base");
        Assert.Equal("base", _repo.Baton("directive", "show", "base", "--json").Ok().Json().GetProperty("name").GetString());

        var added = _repo.Baton("memory", "add", "auth-worker", "uses RS256");
        Assert.Contains("added to auth-worker's memory (.baton/memories/auth-worker.md)", added.Ok().Stdout, StringComparison.Ordinal);
        var memory = _repo.Baton("memory", "show", "auth-worker", "--json").Ok().Json();
        Assert.Contains("uses RS256", memory.GetProperty("memory").GetString(), StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, _repo.Baton("memory", "show", "nobody", "--json").Ok().Json().GetProperty("memory").ValueKind);

        _repo.Baton("ticket", "create", "Only one").Ok();
        var exported = _repo.Baton("export", "--json").Ok().Json();
        Assert.Equal("T-1", Assert.Single(exported.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(2, _repo.Baton("export", "--json", "--format", "md").ExitCode);
        var written = _repo.Baton("export", "-o", Path.Combine(_repo.Dir, "t.md")).Ok();
        Assert.Contains("wrote 1 ticket to", written.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void Tables_take_COLUMNS_and_a_pipe_without_it_never_breaks_a_row()
    {
        var title = string.Join(' ', Enumerable.Repeat("a-long-title-word", 6));
        _repo.Baton("ticket", "create", title).Ok();

        _repo.SetEnv("COLUMNS", "200");
        var wide = _repo.Baton("ticket", "list").Ok().Stdout;
        Assert.Contains(wide.Split('\n'), l => l.Contains("T-1", StringComparison.Ordinal) && l.Contains(title, StringComparison.Ordinal) && l.Contains("open (ready)", StringComparison.Ordinal));

        _repo.SetEnv("COLUMNS", "");
        var piped = _repo.Baton("ticket", "list").Ok().Stdout;
        Assert.Contains(piped.Split('\n'), l => l.Contains(title, StringComparison.Ordinal) && l.Contains("open (ready)", StringComparison.Ordinal));

        _repo.SetEnv("COLUMNS", "60");
        var narrow = _repo.Baton("ticket", "list").Ok().Stdout;
        Assert.All(narrow.TrimEnd('\n').Split('\n'), l => Assert.True(l.Length <= 60, $"{l.Length} columns: {l}"));
    }

    [Fact]
    public void Sync_status_json_names_the_ticket_commit_and_move()
    {
        _repo.Baton("ticket", "create", "Fix it").Ok();
        _repo.Git("commit", "-q", "--allow-empty", "-m", "Work on T-1");

        var change = Assert.Single(_repo.Baton("sync-status", "--json").Ok().Json().EnumerateArray());

        Assert.Equal("status_update", change.GetProperty("type").GetString());
        Assert.Equal("T-1", change.GetProperty("ticket").GetString());
        Assert.Equal(_repo.Git("rev-parse", "HEAD").Trim(), change.GetProperty("commit").GetString());
        Assert.Equal("open", change.GetProperty("from").GetString());
        Assert.Equal("in-progress", change.GetProperty("to").GetString());
        Assert.Equal("Work on T-1", change.GetProperty("subject").GetString());
    }

    [Fact]
    public void Up_json_lines_carry_type_ticket_worker_and_fields()
    {
        AutopilotKit.Configure(_repo);
        var id = AutopilotKit.Ticket(_repo, "Write a", AutopilotKit.Work("T-1", "a.txt", "hello"));

        var up = _repo.Baton("up", "--until-done", "--json");

        Assert.Equal(0, up.ExitCode);
        var lines = up.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => System.Text.Json.JsonDocument.Parse(l).RootElement).ToList();
        var dispatched = lines.Single(l => l.TryGetProperty("type", out var t) && t.GetString() == "dispatched");
        Assert.Equal(id, dispatched.GetProperty("ticket").GetString());
        Assert.False(string.IsNullOrEmpty(dispatched.GetProperty("worker").GetString()));
        Assert.Equal("scripted", dispatched.GetProperty("fields").GetProperty("agent").GetString());
        Assert.Contains(lines, l => l.TryGetProperty("type", out var t) && t.GetString() == "gate_passed" && l.GetProperty("ticket").GetString() == id);
        Assert.Contains(lines, l => l.TryGetProperty("type", out var t) && t.GetString() == "merged" && l.GetProperty("ticket").GetString() == id);
    }

    private RootCommand Root() => Program.CreateRoot(CliOutput.Capture(TextWriter.Null, TextWriter.Null), new CliEnvironment(_repo.Dir, _ => null));

    private (int Code, string Error) InProcess(string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var environment = new CliEnvironment(_repo.Dir, name => name == "BATON_TMUX_SOCKET" ? _repo.Socket : null);
        var code = Program.RunAsync(args, CliOutput.Capture(output, error), environment).GetAwaiter().GetResult();
        return (code, error.ToString());
    }

    private static IEnumerable<(string[] Path, Command Command)> Commands(Command root, string[]? path = null)
    {
        foreach (var sub in root.Subcommands.Where(c => !c.Hidden))
        {
            string[] here = [.. path ?? [], sub.Name];
            yield return (here, sub);
            foreach (var deeper in Commands(sub, here))
            {
                yield return deeper;
            }
        }
    }
}
