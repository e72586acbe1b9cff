using Baton.IntegrationTests.Support;
using Xunit;
using static Baton.IntegrationTests.Dispatch.AutopilotKit;

namespace Baton.IntegrationTests.Dispatch;

/// <summary>Under `baton up`, tickets labelled speciality:NAME run with the role that declares it, at most max_tasks at once, while other work keeps the other agents busy.</summary>
public sealed class SpecialityFlowTests
{
    [Fact]
    public void Review_tickets_go_to_the_reviewer_role_one_at_a_time_and_the_rest_to_the_default_role()
    {
        using var repo = new TestRepo();
        Configure(repo, autopilot: "max_workers: 4");
        Role(repo, "reviewer", text => text.Replace("name: reviewer", "name: reviewer\nspecialities: [review]\nmax_tasks: 1", StringComparison.Ordinal));
        var reviews = Enumerable.Range(1, 2).Select(i => Ticket(repo, $"Review {i}", Work($"T-{i}", $"r{i}.txt", "reviewed", "@sleep 1"), "--label", "speciality:review")).ToList();
        var other = Ticket(repo, "Build 3", Work("T-3", "b3.txt", "built", "@sleep 1"));

        var up = Up(repo);

        var describe = up.Stdout + up.Stderr;
        Assert.True(up.ExitCode == 0, describe);
        Assert.All([.. reviews, other], id => Assert.Equal("done", Status(repo, id)));
        var dispatched = Events(repo, "task_dispatched").ToDictionary(e => e.GetProperty("ticket").GetString()!, e => e);
        Assert.All(reviews, id => Assert.Equal("reviewer", dispatched[id].GetProperty("metadata").GetProperty("role").GetString()));
        Assert.Equal("worker", dispatched[other].GetProperty("metadata").GetProperty("role").GetString());
        Assert.Contains("role reviewer has its max_tasks of 1 tickets in progress", up.Stdout, StringComparison.Ordinal);
        // The build started beside the first review, not after the reviews.
        Assert.True(Time(dispatched[other]) < Time(dispatched[reviews[1]]), describe);
    }
}
