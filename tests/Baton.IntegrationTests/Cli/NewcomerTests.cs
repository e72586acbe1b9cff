using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Cli;

/// <summary>
/// The newcomer test of issue 18: a fresh clone of this repository in a temp folder, a fresh home,
/// and the README's commands run as written where a test can (the AOT publish itself is left to
/// scripts/demo.sh and scripts/test.sh, which CI runs: here `dotnet` is a recording stand-in so
/// install.sh's own steps are checked: folders, link, PATH advice).
/// </summary>
public sealed class NewcomerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "baton-newcomer-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly string _socket = "bt-" + Guid.NewGuid().ToString("N")[..12];

    public NewcomerTests()
    {
        Directory.CreateDirectory(_dir);
        Run("git", ["clone", "-q", RepoPaths.Root, Clone], _dir).Ok();
    }

    private string Clone => Path.Combine(_dir, "baton");

    private string Home => Path.Combine(_dir, "home");

    public void Dispose()
    {
        TmuxSockets.Stop(_socket);
        Directory.Delete(_dir, recursive: true);
    }

    [Fact]
    public void The_readme_install_steps_work_in_a_fresh_home_and_say_how_to_reach_baton()
    {
        // Given the README's install line, a home without ~/.local/bin, and dotnet recording what it is asked
        var readme = File.ReadAllText(Path.Combine(Clone, "README.md"));
        Assert.Contains("bash scripts/install.sh", readme, StringComparison.Ordinal);
        Directory.CreateDirectory(Home);
        var stub = Path.Combine(_dir, "stub");
        Directory.CreateDirectory(stub);
        var calls = Path.Combine(_dir, "dotnet-calls");
        File.WriteAllText(Path.Combine(stub, "dotnet"), $"#!/bin/sh\necho \"$*\" >> {calls}\nwhile [ $# -gt 0 ]; do [ \"$1\" = -o ] && mkdir -p \"$2\" && touch \"$2/baton\" && chmod +x \"$2/baton\"; shift; done\n");
        File.SetUnixFileMode(Path.Combine(stub, "dotnet"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);

        // When it runs as the README says
        var install = Run("bash", ["scripts/install.sh"], Clone, new() { ["HOME"] = Home, ["PATH"] = stub + ":/usr/bin:/bin" }).Ok();

        // Then both binaries are published into ~/.local/baton, ~/.local/bin exists with the link, and PATH advice is given
        var prefix = Path.Combine(Home, ".local", "baton");
        Assert.Equal([$"publish src/Baton.Cli -c Release -o {prefix} -nologo -v q", $"publish src/Baton.Hook -c Release -o {prefix} -nologo -v q"], File.ReadAllLines(calls));
        var link = new FileInfo(Path.Combine(Home, ".local", "bin", "baton"));
        Assert.Equal(Path.Combine(prefix, "baton"), link.LinkTarget);
        Assert.Contains("is not on your PATH yet", install.Stdout, StringComparison.Ordinal);
        Assert.Contains($"export PATH=\"{Path.Combine(Home, ".local", "bin")}:$PATH\"", install.Stdout, StringComparison.Ordinal);
        Assert.Contains("a few minutes the first time", install.Stdout, StringComparison.Ordinal);

        // And a second run (an update) works over the first
        Run("bash", ["scripts/install.sh"], Clone, new() { ["HOME"] = Home, ["PATH"] = stub + ":/usr/bin:/bin" }).Ok();
        Assert.Equal(Path.Combine(prefix, "baton"), new FileInfo(link.FullName).LinkTarget);
    }

    [Fact]
    public void The_demo_script_says_what_it_builds_before_it_builds()
    {
        var demo = File.ReadAllLines(Path.Combine(Clone, "scripts", "demo.sh"));
        var firstPublish = Array.FindIndex(demo, l => l.TrimStart().StartsWith("dotnet publish", StringComparison.Ordinal));
        Assert.True(firstPublish > 0);
        Assert.Contains(demo[..firstPublish], l => l.Contains("echo", StringComparison.Ordinal) && l.Contains("restore, build, publish", StringComparison.Ordinal) && l.Contains("minutes", StringComparison.Ordinal));
        Assert.Equal(0, Run("bash", ["-n", "scripts/demo.sh"], Clone).ExitCode);
    }

    [Fact]
    public void The_first_commands_of_a_newcomer_answer_helpfully()
    {
        // baton --help
        var help = Baton(Clone, "--help").Ok().Stdout;
        Assert.Contains("  up ", help, StringComparison.Ordinal);
        Assert.Contains("  status [<feature>]", help, StringComparison.Ordinal);

        // a typo
        var typo = Baton(Clone, "lst");
        Assert.Equal(2, typo.ExitCode);
        Assert.Contains("'lst' is not a `baton` command", typo.Stderr, StringComparison.Ordinal);
        Assert.Contains("\tlist", typo.Stderr, StringComparison.Ordinal);

        // `baton init`, then `up` with nothing to do, in the clone as the README says ("inside any git repository")
        Run("git", ["-C", Clone, "config", "user.email", "newcomer@example.com"], _dir).Ok();
        Run("git", ["-C", Clone, "config", "user.name", "Newcomer"], _dir).Ok();
        Baton(Clone, "init").Ok();
        var idle = Baton(Clone, "up", "--until-done", "--plain");
        Assert.Equal(0, idle.ExitCode);
        Assert.Contains("no tickets yet, so nothing to dispatch", idle.Stdout, StringComparison.Ordinal);
        Assert.Contains("autopilot stopped (every ticket settled)", idle.Stdout, StringComparison.Ordinal);
        Assert.Equal("", Run("git", ["-C", Clone, "status", "--porcelain"], _dir).Ok().Stdout);

        // `up` in a repository with no commit yet
        var empty = Path.Combine(_dir, "empty");
        Directory.CreateDirectory(empty);
        Run("git", ["init", "-q", "-b", "main"], empty).Ok();
        Baton(empty, "init").Ok();
        Baton(empty, "ticket", "create", "First").Ok();
        var noCommit = Baton(empty, "up", "--until-done", "--plain");
        Assert.Equal(1, noCommit.ExitCode);
        Assert.Contains("has no commit yet", noCommit.Stderr, StringComparison.Ordinal);
    }

    private CliResult Baton(string cwd, params string[] args) =>
        Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), .. args], cwd, new() { ["BATON_TMUX_SOCKET"] = _socket });

    private static CliResult Run(string file, string[] args, string cwd, Dictionary<string, string>? env = null)
    {
        var all = new Dictionary<string, string>(env ?? [], StringComparer.Ordinal) { ["GIT_TERMINAL_PROMPT"] = "0" };
        return TestRepo.Run(file, args, cwd, null, all, TimeSpan.FromSeconds(120));
    }
}
