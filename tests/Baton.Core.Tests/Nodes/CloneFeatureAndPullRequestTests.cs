using Baton.Core.Config;
using Baton.Core.Dispatch;
using Baton.Core.Git;
using Baton.Core.GitHub;
using Baton.Core.Nodes;
using Baton.Core.Tests.Fakes;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Nodes;

/// <summary>A node's clone and the shared remote, on fakes: a feature's integration branch only on the remote is the ticket's target; a pull request gets the branch as the remote has it.</summary>
public sealed class CloneFeatureAndPullRequestTests
{
    private const string Root = "/repo";
    private readonly FakeRemote _git = new();
    private readonly SharedRemote _shared;

    public CloneFeatureAndPullRequestTests() => _shared = new SharedRemote(_git, _git, _git, "origin", Root, Root + "/.baton/worktrees");

    private sealed class RecordingRemotes : IGitRemote
    {
        public List<string> Pushes { get; } = [];

        public void Push(string repo, string remote, string branch) => Pushes.Add($"{remote} {branch}");

        public string? RemoteUrl(string repo, string remote) => throw new InvalidOperationException("unscripted get-url");
    }

    [Fact]
    public void The_pull_request_gets_the_branch_another_node_pushed_brought_here_first_and_one_nowhere_is_named()
    {
        // Given a ticket's branch pushed by the node that ran it, absent from this clone
        _git.Remote["baton/T-1-work"] = "c1";
        var remotes = new RecordingRemotes();

        // When this node opens its pull request: the branch is made here from the remote's, then pushed to the pull request's remote
        PullRequestBranch.Push(remotes, _git, _shared, Root, "github", "T-1", "baton/T-1-work");
        Assert.Equal("c1", _git.Local["baton/T-1-work"]);
        Assert.Equal(["github baton/T-1-work"], remotes.Pushes);

        // And after changes were requested and the agent (elsewhere) pushed again, the stale copy here is fast-forwarded first
        _git.Parent["c2"] = "c1";
        _git.Remote["baton/T-1-work"] = "c2";
        PullRequestBranch.Push(remotes, _git, _shared, Root, "github", "T-1", "baton/T-1-work");
        Assert.Equal("c2", _git.Local["baton/T-1-work"]);

        // A branch neither here nor on the shared remote is refused by name, nothing pushed
        var e = Assert.Throws<BatonException>(() => PullRequestBranch.Push(remotes, _git, _shared, Root, "github", "T-2", "baton/T-2-gone"));
        Assert.Contains("does not exist in /repo nor on origin", e.Message, StringComparison.Ordinal);
        Assert.Equal(2, remotes.Pushes.Count);
    }

    [Fact]
    public void A_feature_s_integration_branch_only_on_the_remote_is_its_tickets_target_and_is_made_here_before_the_worktree()
    {
        // Given feature x's overseer branch made in another clone and pushed, not here
        _git.Local["main"] = "m1";
        _git.Remote["main"] = "m1";
        _git.Parent["o1"] = "m1";
        _git.Remote["feature/x/overseer"] = "o1";
        var ticket = new Ticket { Number = 1, Title = "part", Status = TicketStatus.Queued, Feature = "x", CreatedAt = DateTimeOffset.UnixEpoch, UpdatedAt = DateTimeOffset.UnixEpoch };
        var config = new AutopilotConfig();
        Assert.Equal("main", Dispatcher.Target(config, _git, Root, ticket)); // this clone alone: the base branch

        // When the target is chosen with the remote asked
        var target = Dispatcher.Target(config, _git, Root, ticket, _shared.Fetch);

        // Then it is the feature's branch, which the worktree's preparation makes here at the remote's commit
        Assert.Equal("feature/x/overseer", target);
        _shared.Prepare(ticket with { Target = target, Branch = "baton/T-1-part" }, null);
        Assert.Equal("o1", _git.Local["feature/x/overseer"]);

        // A feature without an integration branch anywhere merges into the base branch
        Assert.Equal("main", Dispatcher.Target(config, _git, Root, ticket with { Feature = "y" }, _shared.Fetch));
    }

    [Fact]
    public void A_shared_long_lived_branch_is_made_and_pushed_when_nowhere_taken_from_the_remote_when_there_and_pushed_on_when_ahead()
    {
        // Nowhere yet: made here at the start point and pushed
        _git.Local["main"] = "m1";
        Assert.True(_shared.Share("feature/x/overseer", "m1"));
        Assert.Equal(("m1", "m1"), (_git.Local["feature/x/overseer"], _git.Remote["feature/x/overseer"]));

        // Only on the remote (another clone made it, and work landed on it): made here at its commit, nothing pushed
        _git.Parent["o1"] = "m1";
        _git.Remote["feature/x/impl-api"] = "o1";
        var pushes = _git.Pushes.Count;
        Assert.False(_shared.Share("feature/x/impl-api", "m1"));
        Assert.Equal("o1", _git.Local["feature/x/impl-api"]);
        Assert.Equal(pushes, _git.Pushes.Count);

        // Here with commits the remote lacks: pushed on
        _git.Parent["o2"] = "o1";
        _git.Local["feature/x/impl-api"] = "o2";
        Assert.False(_shared.Share("feature/x/impl-api", "m1"));
        Assert.Equal("o2", _git.Remote["feature/x/impl-api"]);
    }
}
