using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Sandbox;

/// <summary>`baton sandbox check`, and a sandbox asked for where bubblewrap is missing: refused, never run unconfined.</summary>
public sealed class SandboxCheckTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Check_says_confinement_works_here_and_what_each_role_gets()
    {
        Dispatch.AutopilotKit.Role(_repo, "confined", text => text + "sandbox:\n  mode: bwrap\n  network: loopback\n  memory_mb: 2048\n");

        var check = _repo.Baton("sandbox", "check", "--json").Ok().Json();
        var text = _repo.Baton("sandbox", "check").Ok().Stdout;

        Assert.True(check.GetProperty("available").GetBoolean());
        Assert.StartsWith("bubblewrap ", check.GetProperty("version").GetString(), StringComparison.Ordinal);
        var confined = check.GetProperty("roles").EnumerateArray().Single(r => r.GetProperty("name").GetString() == "confined");
        Assert.Equal("bwrap", confined.GetProperty("mode").GetString());
        Assert.Equal("loopback", confined.GetProperty("network").GetString());
        Assert.Equal(2048, confined.GetProperty("memory_mb").GetInt32());
        Assert.Equal("none", check.GetProperty("project").GetProperty("mode").GetString());
        Assert.Contains(check.GetProperty("hidden").EnumerateArray(), h => h.GetString()!.Contains("~/.ssh", StringComparison.Ordinal));
        Assert.Contains("confinement: available", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_bubblewrap_check_says_why_and_a_sandboxed_spawn_is_refused_not_run_unconfined()
    {
        _repo.SetEnv("BATON_BWRAP", "/nonexistent/bwrap");

        var check = _repo.Baton("sandbox", "check", "--json");
        var spawn = _repo.Baton("spawn", "--agent", "scripted", "--sandbox", "bwrap", "--name", "w1", "@write a.txt hi");

        Assert.Equal(1, check.ExitCode);
        Assert.False(check.Json().GetProperty("available").GetBoolean());
        Assert.Contains("BATON_BWRAP=/nonexistent/bwrap", check.Json().GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(0, spawn.ExitCode);
        Assert.Contains("confinement is not available here", spawn.Stderr, StringComparison.Ordinal);
        Assert.Contains("never runs unconfined", spawn.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("w1", _repo.Baton("list", "--all").Ok().Stdout, StringComparison.Ordinal);
        Assert.NotEqual(0, _repo.Tmux("has-session", "-t", "baton-w1").ExitCode);
        Assert.False(File.Exists(Path.Combine(_repo.Dir, "a.txt")));
    }

    [Fact]
    public void Credentials_are_stored_0600_outside_the_repository_listed_by_name_and_unset()
    {
        var store = Path.Combine(Path.GetTempPath(), "baton-creds-" + Guid.NewGuid().ToString("N")[..8]);
        _repo.SetEnv("BATON_CREDENTIALS_DIR", store);
        try
        {
            _repo.BatonIn(_repo.Dir, "sk-test-value-9999\n", "credentials", "set", "w1", "ANTHROPIC_API_KEY").Ok();
            _repo.BatonIn(_repo.Dir, "role-value-8888", "credentials", "set", "worker", "GH_TOKEN").Ok();

            var list = _repo.Baton("credentials", "list").Ok().Stdout;
            var json = _repo.Baton("credentials", "list", "--json").Ok().Json();
            var file = Directory.EnumerateFiles(store, "ANTHROPIC_API_KEY", SearchOption.AllDirectories).Single();

            Assert.Equal("sk-test-value-9999", File.ReadAllText(file));
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            Assert.Contains("role   worker", list, StringComparison.Ordinal);
            Assert.Contains("worker w1", list, StringComparison.Ordinal);
            Assert.DoesNotContain("value", list, StringComparison.Ordinal);
            Assert.Equal(2, json.GetArrayLength());
            Assert.False(Directory.EnumerateFiles(_repo.Dir, "ANTHROPIC_API_KEY", SearchOption.AllDirectories).Any());

            _repo.Baton("credentials", "unset", "w1", "ANTHROPIC_API_KEY").Ok();
            Assert.NotEqual(0, _repo.Baton("credentials", "unset", "w1", "ANTHROPIC_API_KEY").ExitCode);
            Assert.Single(_repo.Baton("credentials", "list", "--json").Ok().Json().EnumerateArray());
        }
        finally
        {
            Directory.Delete(store, recursive: true);
        }
    }

    [Fact]
    public void A_roles_sub_agents_are_installed_in_the_worktree_and_kept_out_of_git()
    {
        Dispatch.AutopilotKit.Role(_repo, "delegator", text => text + "subagents:\n  reviewer: |\n    ---\n    name: reviewer\n    description: Reviews a diff\n    ---\n    You review the staged diff.\n");
        var tree = Path.Combine(_repo.Dir, ".baton", "worktrees", "d1");
        _repo.Git("worktree", "add", "-q", "-b", "d1-branch", tree);

        _repo.Baton("spawn", "--agent", "scripted", "--role", "delegator", "--sandbox", "bwrap", "--name", "d1", "--dir", tree, "@commit d1: nothing else").Ok();

        var agent = Path.Combine(tree, ".claude", "agents", "reviewer.md");
        Assert.Contains("You review the staged diff.", File.ReadAllText(agent), StringComparison.Ordinal);
        Assert.Contains("/.claude/agents/reviewer.md", File.ReadAllText(Path.Combine(_repo.Dir, ".git", "info", "exclude")), StringComparison.Ordinal);
        Assert.DoesNotContain(".claude", _repo.Git("-C", tree, "status", "--porcelain", "--ignored=no"), StringComparison.Ordinal);
        var spawned = _repo.Baton("events", "recent", "50", "--worker", "d1", "--json").Ok().Json().EnumerateArray().First(e => e.GetProperty("type").GetString() == "worker_spawned");
        Assert.Contains("sub-agents reviewer", spawned.GetProperty("metadata").GetProperty("setup").GetString(), StringComparison.Ordinal);
    }
}
