using Baton.Infrastructure.Git;
using Baton.Infrastructure.Processes;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Git;

/// <summary>
/// The guard hooks in a real repository: a ref update outside a worker passes without reading its
/// input, a repository's own hook still sees every phase with its input, and a worker with a guard
/// file still reaches the guard in the phase that can refuse.
/// </summary>
public sealed class GitGuardHookTests : IDisposable
{
    private readonly TestRepo _repo = new(init: false);
    private readonly string _side = Directory.CreateTempSubdirectory("baton-guardhook-").FullName;

    public GitGuardHookTests()
    {
        _repo.Git("commit", "-q", "--allow-empty", "-m", "start");
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_side, recursive: true);
    }

    private string Hooks => Path.Combine(_repo.Dir, ".git", "hooks");

    /// <summary>A script standing in for `baton`: records how it was called and refuses.</summary>
    private string Refuser()
    {
        var file = Path.Combine(_side, "baton");
        File.WriteAllText(file, $"#!/bin/sh\necho \"$* $(cat)\" >> '{Path.Combine(_side, "guard.log")}'\nexit 1\n");
        File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return file;
    }

    private void Install() => new GitWorkspace(new ProcessRunner()).InstallGuards(_repo.Dir, [Refuser()]);

    [Fact]
    public void Outside_a_worker_a_ref_update_passes_and_the_guard_is_never_started()
    {
        Install();

        _repo.Git("update-ref", "refs/heads/side", "HEAD");

        Assert.Equal(_repo.Git("rev-parse", "HEAD"), _repo.Git("rev-parse", "side"));
        Assert.False(File.Exists(Path.Combine(_side, "guard.log")));
    }

    [Fact]
    public void The_repositorys_own_hook_still_sees_every_phase_with_its_input()
    {
        var log = Path.Combine(_side, "own.log");
        var own = Path.Combine(Hooks, "reference-transaction");
        Directory.CreateDirectory(Hooks);
        File.WriteAllText(own, $"#!/bin/sh\necho \"$1 $(cat)\" >> '{log}'\n");
        File.SetUnixFileMode(own, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Install();

        _repo.Git("update-ref", "refs/heads/side", "HEAD");

        var lines = File.ReadAllLines(log);
        Assert.Contains(lines, l => l.StartsWith("prepared ", StringComparison.Ordinal) && l.Contains("refs/heads/side", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("committed ", StringComparison.Ordinal) && l.Contains("refs/heads/side", StringComparison.Ordinal));
    }

    [Fact]
    public void A_worker_with_a_guard_file_reaches_the_guard_which_can_refuse()
    {
        Install();
        var db = Path.Combine(_side, "store", "baton.db");
        Directory.CreateDirectory(Path.Combine(_side, "store", "guards"));
        File.WriteAllText(Path.Combine(_side, "store", "guards", "w1.json"), "{}");
        var env = new Dictionary<string, string> { ["BATON_WORKER"] = "w1", ["BATON_DB"] = db };

        var refused = TestRepo.Run("git", ["-C", _repo.Dir, "update-ref", "refs/heads/side", "HEAD"], _repo.Dir, null, env, TimeSpan.FromSeconds(30));

        Assert.NotEqual(0, refused.ExitCode);
        var call = Assert.Single(File.ReadAllLines(Path.Combine(_side, "guard.log")));
        Assert.StartsWith("guard reference-transaction prepared", call, StringComparison.Ordinal);
        Assert.Contains("refs/heads/side", call, StringComparison.Ordinal);
    }
}
