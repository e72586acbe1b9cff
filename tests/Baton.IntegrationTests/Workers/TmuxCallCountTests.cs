using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Workers;

/// <summary>
/// Counts the tmux processes Baton starts, through a `tmux` on PATH that logs each call and then
/// runs the real one: `list` must cost one tmux call for all quiet workers, not one per worker.
/// </summary>
public sealed class TmuxCallCountTests : IDisposable
{
    private readonly TestRepo _repo = new();
    private readonly string _shimDir = Directory.CreateTempSubdirectory("baton-shim-").FullName;
    private string Log => Path.Combine(_shimDir, "calls.log");

    public TmuxCallCountTests()
    {
        var real = TestRepo.Run("sh", ["-c", "command -v tmux"], _shimDir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(5)).Stdout.Trim();
        var shim = Path.Combine(_shimDir, "tmux");
        File.WriteAllText(shim, $"#!/bin/sh\necho \"$*\" >> '{Log}'\nexec '{real}' \"$@\"\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _repo.SetEnv("PATH", _shimDir + ":" + Environment.GetEnvironmentVariable("PATH"));
    }

    public void Dispose()
    {
        _repo.Dispose();
        Directory.Delete(_shimDir, true);
    }

    [Fact]
    public void List_asks_tmux_once_for_all_quiet_workers()
    {
        // Given five idle workers whose screens have settled
        foreach (var n in new[] { "a1", "a2", "a3", "a4", "a5" })
        {
            _repo.Baton("spawn", "--agent", "scripted", "--name", n, "--force").Ok(); // five: over max_workers
        }

        foreach (var n in new[] { "a1", "a2", "a3", "a4", "a5" })
        {
            _repo.WaitForState(n, "idle");
        }

        _repo.Baton("list").Ok(); // a first look after they settled
        Thread.Sleep(1200);       // tmux reports activity in whole seconds
        _repo.Baton("list").Ok();
        File.Delete(Log);

        // When
        var table = _repo.Baton("list").Ok().Stdout;

        // Then one tmux call served all five
        Assert.All(new[] { "a1", "a2", "a3", "a4", "a5" }, n => Assert.Contains(n, table));
        var calls = File.ReadAllLines(Log);
        Assert.True(calls.Length == 1, string.Join("\n", calls));
        Assert.StartsWith("-L " + _repo.Socket + " list-sessions", calls[0]);
    }

    [Fact]
    public void Busy_workers_are_captured_in_one_chained_call()
    {
        foreach (var n in new[] { "b1", "b2", "b3" })
        {
            _repo.Baton("spawn", "--agent", "scripted", "--name", n, "@sleep 20").Ok();
        }

        File.Delete(Log);
        _repo.Baton("list").Ok();

        var calls = File.ReadAllLines(Log);
        Assert.Equal(2, calls.Length);
        Assert.Contains("list-sessions", calls[0]);
        Assert.Equal(3, calls[1].Split("capture-pane").Length - 1);
    }

    [Fact]
    public void Spawn_in_another_folder_keeps_the_store_of_the_repository()
    {
        var other = Directory.CreateTempSubdirectory("baton-other-").FullName;
        try
        {
            _repo.Baton("spawn", "--agent", "scripted", "--dir", other, "--name", "away", "@run echo \"$BATON_DB\" > where.txt").Ok();

            TestRepo.WaitUntil(() => File.Exists(Path.Combine(other, "where.txt")), "the agent ran in the other folder");
            Assert.Equal(Path.Combine(_repo.Dir, ".baton", "baton.db"), File.ReadAllText(Path.Combine(other, "where.txt")).Trim());
            Assert.Equal(other, _repo.Worker("away").GetProperty("directory").GetString());
        }
        finally
        {
            Directory.Delete(other, true);
        }
    }
}
