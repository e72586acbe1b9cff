using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Weeks;

/// <summary>The blockers table: opened when a ticket moves to blocked, resolved when it moves on.</summary>
public sealed class BlockerTests
{
    [Fact]
    public void Blocking_opens_a_blocker_of_its_kind_and_moving_on_resolves_it()
    {
        using var repo = new TestRepo();
        var dep = repo.Baton("ticket", "create", "Schema", "--json").Ok().Json().GetProperty("id").GetString()!;
        var id = repo.Baton("ticket", "create", "API", "--depends-on", dep, "--json").Ok().Json().GetProperty("id").GetString()!;
        var other = repo.Baton("ticket", "create", "Docs", "--json").Ok().Json().GetProperty("id").GetString()!;

        repo.Baton("ticket", "update", id, "--status", "blocked", "--note", "waits for the schema").Ok();              // inferred: dependency
        repo.Baton("ticket", "update", other, "--status", "blocked", "--blocker", "external", "--note", "vendor API key").Ok();

        var blocker = Assert.Single(repo.Baton("ticket", "show", id, "--json").Ok().Json().GetProperty("blockers").EnumerateArray());
        Assert.Equal("dependency", blocker.GetProperty("kind").GetString());
        Assert.Equal("waits for the schema", blocker.GetProperty("description").GetString());
        Assert.Equal("active", blocker.GetProperty("status").GetString());
        var status = repo.Baton("status", "--json").Ok().Json().GetProperty("blockers").EnumerateArray().Select(b => b.GetString()).ToList();
        Assert.Contains($"{other} external: vendor API key", status);

        repo.Baton("ticket", "update", other, "--status", "open").Ok();

        var resolved = Assert.Single(repo.Baton("ticket", "show", other, "--json").Ok().Json().GetProperty("blockers").EnumerateArray());
        Assert.Equal("external", resolved.GetProperty("kind").GetString());
        Assert.Equal("resolved", resolved.GetProperty("status").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, resolved.GetProperty("resolved_at").ValueKind);
        Assert.DoesNotContain(repo.Baton("status", "--json").Ok().Json().GetProperty("blockers").EnumerateArray(), b => b.GetString()!.StartsWith(other + " ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_wrong_kind_or_a_kind_without_blocked_is_refused()
    {
        using var repo = new TestRepo();
        var id = repo.Baton("ticket", "create", "API", "--json").Ok().Json().GetProperty("id").GetString()!;

        var wrong = repo.Baton("ticket", "update", id, "--status", "blocked", "--blocker", "weather");
        var alone = repo.Baton("ticket", "update", id, "--note", "x", "--blocker", "external");

        Assert.Equal(2, wrong.ExitCode);
        Assert.Contains("--blocker 'weather' is not one of dependency, conflict, external, technical", wrong.Stderr, StringComparison.Ordinal);
        Assert.Equal(2, alone.ExitCode);
        Assert.Contains("give it with --status blocked", alone.Stderr, StringComparison.Ordinal);
    }
}
