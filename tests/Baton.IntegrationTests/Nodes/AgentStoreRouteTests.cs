using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// An agent's `baton` commands reach the shared store the way the Baton that started it does,
/// whatever the tmux server's own environment says (a server started by another node through
/// another route, or from a shell pointed elsewhere): real PostgreSQL, real tmux, the scripted agent.
/// </summary>
public sealed class AgentStoreRouteTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly TestRepo _repo = new(init: false);
    private readonly string _url;
    private readonly string _password;

    public AgentStoreRouteTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        var db = server.CreateDatabase();
        _url = db.Url;
        _password = db.Password;
        _repo.SetEnv("BATON_STORE_PASSWORD", db.Password);
        _repo.Baton("init", "--store", db.Url).Ok();
    }

    public void Dispose() => _repo.Dispose();

    [Fact]
    public void An_agent_on_a_tmux_server_started_with_another_store_in_its_environment_reports_to_its_spawners_store()
    {
        // Given the repository's tmux server started from a shell whose BATON_STORE_URL names a
        // store nobody answers at, and a ticket in the shared store
        var env = new Dictionary<string, string> { ["BATON_STORE_URL"] = "postgres://baton@127.0.0.1:1/nowhere" };
        Assert.Equal(0, TestRepo.Run("tmux", ["-L", _repo.Socket, "new-session", "-d", "-s", "before-baton", "sleep", "600"], _repo.Dir, null, env, TimeSpan.FromSeconds(15)).ExitCode);
        var id = _repo.Baton("ticket", "create", "Routed", "--json").Ok().Json().GetProperty("id").GetString()!;

        // When an agent Baton starts there runs `baton` against the store
        _repo.Baton("spawn", "--agent", "scripted", "--name", "routed", $"@run baton ticket update {id} --note reached > out.txt 2>&1").Ok();
        TestRepo.WaitUntil(() => File.Exists(Path.Combine(_repo.Dir, "out.txt")) && _repo.Baton("ticket", "show", id, "--json").Ok().Json().GetProperty("note").GetString() == "reached",
            "the agent's baton reached the shared store", 60, () => File.Exists(Path.Combine(_repo.Dir, "out.txt")) ? File.ReadAllText(Path.Combine(_repo.Dir, "out.txt")) : "no output yet");

        // Then it went to the store its spawner uses (its session says which, without a password)
        var shown = TestRepo.Run("tmux", ["-L", _repo.Socket, "show-environment", "-t", "baton-routed", "BATON_STORE_URL"], _repo.Dir, null, env, TimeSpan.FromSeconds(15)).Stdout.Trim();
        Assert.StartsWith("BATON_STORE_URL=postgres://", shown, StringComparison.Ordinal);
        Assert.Contains(new Uri(_url).Port.ToString(System.Globalization.CultureInfo.InvariantCulture), shown, StringComparison.Ordinal);
        Assert.DoesNotContain("nowhere", shown, StringComparison.Ordinal);

        // And the password it was given is in no event and no worker row
        Assert.DoesNotContain(_password, _repo.Baton("events", "recent", "1000", "--json").Ok().Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(_password, _repo.Baton("list", "--all", "--json").Ok().Stdout, StringComparison.Ordinal);
    }
}
