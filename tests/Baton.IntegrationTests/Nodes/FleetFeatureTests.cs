using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Nodes;

/// <summary>
/// `baton feature init` on a fleet: two clones of one bare remote on one real PostgreSQL store. The
/// feature's branches are pushed where every node's clone finds them, and a clone that runs it
/// later takes them as the remote has them instead of making its own.
/// </summary>
public sealed class FleetFeatureTests : IClassFixture<PostgresServer>, IDisposable
{
    private readonly TestRepo _a = new(init: false);
    private readonly TestRepo _b = new(init: false);
    private readonly string _bare;

    public FleetFeatureTests(PostgresServer server)
    {
        ArgumentNullException.ThrowIfNull(server);
        _bare = Path.Combine(_a.Dir, ".bare.git");
        TestRepo.Run("git", ["clone", "-q", "--bare", _a.Dir, _bare], _a.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30));
        _a.Git("remote", "add", "origin", _bare);
        _a.Git("fetch", "-q", "origin");
        _b.Git("remote", "add", "origin", _bare);
        _b.Git("fetch", "-q", "origin");
        _b.Git("reset", "-q", "--hard", "origin/main");
        var db = server.CreateDatabase();
        foreach (var clone in new[] { _a, _b })
        {
            clone.SetEnv("BATON_STORE_PASSWORD", db.Password);
            clone.Baton("init", "--store", db.Url).Ok();
        }
    }

    public void Dispose()
    {
        _a.Dispose();
        _b.Dispose();
    }

    private string OnRemote(string branch) => TestRepo.Run("git", ["--git-dir", _bare, "rev-parse", "--verify", "-q", "refs/heads/" + branch], _a.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(30)).Stdout.Trim();

    [Fact]
    public void A_features_branches_are_pushed_and_another_clone_takes_them_as_the_remote_has_them()
    {
        // Given feature f initialised in clone a
        var first = _a.Baton("feature", "init", "f", "--implementors", "api", "--json").Ok().Json();
        Assert.All(first.GetProperty("branches").EnumerateArray(), b => Assert.True(b.GetProperty("created").GetBoolean()));
        var main = _a.Git("rev-parse", "main").Trim();

        // Then its branches are on the remote the fleet shares
        Assert.Equal(main, OnRemote("feature/f/overseer"));
        Assert.Equal(main, OnRemote("feature/f/impl-api"));

        // And when work landed on the integration branch from clone a, and clone b initialises the
        // feature with one more implementor
        _a.Git("checkout", "-q", "feature/f/overseer");
        File.WriteAllText(Path.Combine(_a.Dir, "landed.txt"), "landed\n");
        _a.Git("add", "landed.txt");
        _a.Git("commit", "-q", "-m", "landed");
        _a.Git("push", "-q", "origin", "feature/f/overseer");
        var landed = _a.Git("rev-parse", "HEAD").Trim();
        var second = _b.Baton("feature", "init", "f", "--implementors", "api,web", "--json").Ok().Json();

        // Then clone b follows the remote's branches (made here at its commits, not from its own
        // main) and only the new implementor's branch is made, and pushed
        var created = second.GetProperty("branches").EnumerateArray().ToDictionary(b => b.GetProperty("branch").GetString()!, b => b.GetProperty("created").GetBoolean());
        Assert.Equal(new Dictionary<string, bool> { ["feature/f/overseer"] = false, ["feature/f/impl-api"] = false, ["feature/f/impl-web"] = true }, created);
        Assert.Equal(landed, _b.Git("rev-parse", "feature/f/overseer").Trim());
        Assert.Equal(main, OnRemote("feature/f/impl-web"));
        Assert.Equal(landed, OnRemote("feature/f/overseer"));

        // And a text run says the same
        Assert.Contains("feature/f/impl-web  exists", _b.Baton("feature", "init", "f", "--implementors", "web").Ok().Stdout, StringComparison.Ordinal);
    }
}
