using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Workers;

/// <summary>Every user error is one clear line on stderr, exit 2 for usage and 1 for failures, no stack trace.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private static void AssertOneLine(CliResult r, int code, string contains)
    {
        Assert.Equal(code, r.ExitCode);
        Assert.Contains(contains, r.Stderr);
        Assert.Single(r.Stderr.TrimEnd('\n').Split('\n'));
        Assert.DoesNotContain("   at ", r.Stderr);
    }

    [Fact]
    public void Unknown_worker() => AssertOneLine(_repo.Baton("capture", "nobody"), 1, "unknown worker 'nobody'");

    [Fact]
    public void Bad_names_are_usage_errors()
    {
        AssertOneLine(_repo.Baton("spawn", "--agent", "scripted", "--name", "Bad_Name", "x"), 2, "invalid worker name 'Bad_Name'");
        AssertOneLine(_repo.Baton("spawn", "--agent", "scripted", "--name", new string('a', 41), "x"), 2, "1 to 40");
        AssertOneLine(_repo.Baton("send", "../etc", "x"), 2, "invalid worker name");
    }

    [Fact]
    public void Unknown_agent_lists_the_known_ones() =>
        AssertOneLine(_repo.Baton("spawn", "--agent", "nosuch", "x"), 2, "known agents are aider, claude, codex, gemini, opencode, scripted");

    [Fact]
    public void An_agent_that_is_not_installed_names_the_command_and_the_profile()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", "ghost.yaml"), "name: ghost\ncommand: [\"definitely-not-installed-xyz\"]\nscreen:\n  ready: '^> '\n");

        var r = _repo.Baton("spawn", "--agent", "ghost", "x");

        AssertOneLine(r, 1, "agent 'ghost' is not installed: command 'definitely-not-installed-xyz' was not found on PATH");
        Assert.Contains("ghost.yaml", r.Stderr);
    }

    [Fact]
    public void Outside_a_repository()
    {
        var dir = Directory.CreateTempSubdirectory("baton-norepo-").FullName;
        try
        {
            AssertOneLine(_repo.BatonIn(dir, null, "init"), 1, "is not inside a git repository");
            AssertOneLine(_repo.BatonIn(dir, null, "list"), 1, "run `baton init`");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Missing_tmux_or_git_says_what_to_install()
    {
        // A PATH with neither tmux nor git on it
        var empty = Directory.CreateTempSubdirectory("baton-nopath-").FullName;
        try
        {
            _repo.SetEnv("PATH", empty);
            AssertOneLine(_repo.Baton("spawn", "--agent", "scripted", "--name", "x"), 1, "tmux is not installed or not on PATH: install it");
            AssertOneLine(_repo.Baton("init"), 1, "git is not installed or not on PATH: install it");
        }
        finally
        {
            Directory.Delete(empty, true);
        }
    }

    [Fact]
    public void Parse_errors_are_usage_errors()
    {
        AssertOneLine(_repo.Baton("capture"), 2, "baton capture --help");
        AssertOneLine(_repo.Baton("capture", "x", "--lines", "0"), 2, "--lines must be between 1 and 100000");
        AssertOneLine(_repo.Baton("spawn", "--dir", "/nonexistent/dir", "--agent", "scripted", "x"), 2, "does not exist");
    }

    [Fact]
    public void A_bad_config_names_file_line_and_what_is_allowed()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), "tmux:\n  prefix: baton-\n  widht: 100\n");

        var r = _repo.Baton("spawn", "--agent", "scripted", "x");

        AssertOneLine(r, 2, "config.yaml:3:3: unknown field 'widht'; expected one of: prefix, socket, width, height");
    }

    [Fact]
    public void Json_errors_are_json_too()
    {
        var r = _repo.Baton("capture", "nobody", "--json");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(1, r.Json().GetProperty("exit_code").GetInt32());
        Assert.Contains("unknown worker", r.Json().GetProperty("error").GetString());
    }
}
