using Baton.Core.Events;
using Baton.Core.Handoff;
using Baton.Core.Roles;
using Baton.Core.Tests.Fakes;
using Baton.Core.Workers;
using Xunit;

namespace Baton.Core.Tests.Handoff;

public sealed class SuccessorsTests : IDisposable
{
    private readonly AutopilotRig _rig = new();
    private static readonly Role Worker = new() { Name = "worker", HandoffTo = ["codex", "gemini", "claude"] };

    public void Dispose() => _rig.Dispose();

    private Successors Successors(IReadOnlyDictionary<string, long>? perHour = null) =>
        new(_rig.Store, _rig.Profiles, perHour ?? new Dictionary<string, long>(), _rig.Time);

    private void Paused(string name, string agent)
    {
        var now = _rig.Time.GetUtcNow();
        _rig.Store.AddWorker(new Worker
        {
            Name = name, Agent = agent, Mode = WorkerMode.Tmux, Directory = _rig.Root, State = WorkerState.Paused,
            StateSince = now, CreatedAt = now, PausedUntil = now + TimeSpan.FromHours(1),
        }, new EventRecord { Time = now, Type = EventTypes.WorkerSpawned, Worker = name, Message = "test" });
    }

    private void Used(string agent, long tokens) => _rig.Store.AppendEvent(new EventRecord
    {
        Time = _rig.Time.GetUtcNow(), Type = EventTypes.WorkerUsage, Message = "usage",
        Metadata = new Dictionary<string, string> { ["agent"] = agent, ["tokens"] = tokens.ToString(System.Globalization.CultureInfo.InvariantCulture) },
    });

    [Fact]
    public void The_first_profile_of_handoff_to_is_chosen()
    {
        var choice = Successors().Choose("claude", Worker, null);

        Assert.Equal(new SuccessorChoice("codex", []), choice with { Skipped = [] });
        Assert.Empty(choice.Skipped);
    }

    [Fact]
    public void A_profile_paused_at_its_usage_limit_is_skipped_with_why()
    {
        Paused("c1", "codex");

        var choice = Successors().Choose("claude", Worker, null);

        Assert.Equal("gemini", choice.Agent);
        Assert.StartsWith("codex: agent codex is at its usage limit until", Assert.Single(choice.Skipped), StringComparison.Ordinal);
    }

    [Fact]
    public void A_profile_over_its_hourly_budget_is_skipped_until_the_hour_has_rolled_past()
    {
        Used("codex", 5_000);
        var budget = new Dictionary<string, long> { ["codex"] = 1_000 };

        Assert.Equal("gemini", Successors(budget).Choose("claude", Worker, null).Agent);

        _rig.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal("codex", Successors(budget).Choose("claude", Worker, null).Agent);
    }

    [Fact]
    public void To_overrides_the_list_even_a_paused_profile_and_an_unknown_one_is_refused()
    {
        Paused("c1", "codex");

        Assert.Equal("codex", Successors().Choose("claude", Worker, "codex").Agent);
        var e = Assert.Throws<BatonException>(() => Successors().Choose("claude", Worker, "nope"));
        Assert.StartsWith("unknown agent 'nope' for --to: known profiles are", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_handoff_to_a_fresh_agent_of_the_same_profile_takes_over_and_when_none_can_the_error_says_why()
    {
        var plain = new Role { Name = "plain" };
        Assert.Equal("claude", Successors().Choose("claude", plain, null).Agent);

        Paused("c1", "claude");
        var e = Assert.Throws<BatonException>(() => Successors().Choose("claude", plain, null));
        Assert.StartsWith("no agent can take the ticket over: claude: agent claude is at its usage limit", e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; name one with --to", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_in_handoff_to_that_is_no_profile_is_skipped()
    {
        var choice = Successors().Choose("claude", Worker with { HandoffTo = ["ghost", "codex"] }, null);

        Assert.Equal("codex", choice.Agent);
        Assert.Equal(["ghost: no such agent profile (role worker's handoff_to)"], choice.Skipped);
    }
}
