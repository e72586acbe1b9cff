using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Baton.IntegrationTests.Support.RealAgents;
using Xunit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>The real Codex CLI in `exec --json` mode, started by `baton spawn --headless`, against the scripted model.</summary>
public sealed class CodexHeadlessTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void Headless_codex_applies_a_patch_commits_with_a_command_and_exits_0()
    {
        using var server = new ScriptedModelServer([
            ModelStep.WriteFile("notes.txt", "written by apply_patch\n", new ModelUsage(200, 40, 0, 0)),
            ModelStep.Run("printf 'from exec_command\\n' > run.txt && git add -A && git commit -q -m 'Codex: notes and run'", new ModelUsage(50, 20, 0, 200)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 250)),
        ]);
        RealAgentSetup.WriteProfile(_repo, "codex", AgentBinaries.Codex, null, null, CodexSetup.Environment(_repo, server));

        // A linked worktree, as the dispatcher gives each ticket: its git folder is outside the
        // workspace Codex's sandbox lets it write, so the profile's --add-dir {git_common_dir} / {git_dir} matter.
        var tree = Path.Combine(_repo.Dir, ".baton", "worktrees", "cx");
        _repo.Git("worktree", "add", "-q", "-b", "cx-branch", tree);

        _repo.Baton("spawn", "--headless", "--agent", "codex", "--name", "cx", "--dir", tree, "Write notes.txt and run.txt").Ok();

        var worker = _repo.WaitForState("cx", "exited", 60);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "cx.log"));
                Assert.True(worker.GetProperty("exit_code").GetInt32() == 0, $"exit code not 0; log:\n{log}\nrequests:\n{server.Describe()}");
        Assert.Equal("written by apply_patch\n", File.ReadAllText(Path.Combine(tree, "notes.txt")));
        Assert.Equal("from exec_command\n", File.ReadAllText(Path.Combine(tree, "run.txt")));
        Assert.Contains("Codex: notes and run", _repo.Git("log", "--oneline", "-1", "cx-branch"));
        Assert.Contains("\"type\":\"turn.completed\"", log);
        Assert.True(server.ScriptDone, server.Describe());
        Assert.Equal(new ModelUsage(280, 65, 0, 450), server.ReportedUsage);
    }
    [Fact]
    public void A_codex_command_finds_the_baton_shim_on_the_workers_path()
    {
        // Codex runs commands in a login shell by default, whose /etc/profile resets PATH: the
        // profile turns that off (allow_login_shell=false), or `baton ticket done` is not found.
        using var server = new ScriptedModelServer([
            ModelStep.Run("command -v baton > which.txt || echo missing > which.txt", new ModelUsage(50, 20, 0, 0)),
            ModelStep.Say("DONE", new ModelUsage(30, 5, 0, 50)),
        ]);
        RealAgentSetup.WriteProfile(_repo, "codex", AgentBinaries.Codex, null, null, CodexSetup.Environment(_repo, server));

        _repo.Baton("spawn", "--headless", "--agent", "codex", "--name", "cxp", "Say where baton is").Ok();

        var worker = _repo.WaitForState("cxp", "exited", 60);
        Assert.True(worker.GetProperty("exit_code").GetInt32() == 0, server.Describe());
        Assert.Equal(Path.Combine(_repo.Dir, ".baton", "bin", "baton"), File.ReadAllText(Path.Combine(_repo.Dir, "which.txt")).Trim());
    }
}
