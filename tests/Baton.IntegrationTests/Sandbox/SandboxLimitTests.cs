using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Sandbox;

/// <summary>A sandbox's CPU time limit ends an agent that spins, and the worker's log says which limit did.</summary>
public sealed class SandboxLimitTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void A_cpu_time_limit_ends_a_spinning_agent_with_a_message_that_names_it()
    {
        // An "agent" that only burns CPU: the scripted profile with a busy loop as its headless command.
        var profile = File.ReadAllText(Path.Combine(RepoPaths.Root, "assets", "agents", "scripted.yaml"))
            .Replace("name: scripted", "name: spinner", StringComparison.Ordinal)
            .Replace("command: [\"{baton}\", \"scripted-agent\", \"--headless\", \"{prompt}\"]", "command: [\"sh\", \"-c\", \"while :; do :; done\", \"{prompt}\"]", StringComparison.Ordinal);
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", "spinner.yaml"), profile);
        File.AppendAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), "sandbox:\n  cpu_seconds: 1\n");

        _repo.Baton("spawn", "--headless", "--agent", "spinner", "--sandbox", "bwrap", "--name", "sp", "spin").Ok();

        var worker = _repo.WaitForState("sp", "exited", 60);
        var log = File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "logs", "sp.log"));
        Assert.NotEqual(0, worker.GetProperty("exit_code").GetInt32());
        Assert.Contains("baton sandbox: the agent", log, StringComparison.Ordinal);
        Assert.Contains("CPU time 1s", log, StringComparison.Ordinal);
    }
}
