using System.Diagnostics;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Storage;

public sealed class EventsFollowTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Follow_prints_new_events_as_they_are_written()
    {
        // Given a follower started before the event exists
        var info = new ProcessStartInfo(RepoPaths.Baton[0]) { WorkingDirectory = _repo.Dir, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in RepoPaths.Baton.Skip(1).Concat(["events", "recent", "1", "--follow", "--type", "deploy", "--json"]))
        {
            info.ArgumentList.Add(a);
        }

        using var follower = Process.Start(info)!;
        try
        {
            // When another process logs one
            _repo.Baton("events", "log", "deploy", "v1.2 to staging").Ok();
            _repo.Baton("events", "log", "other", "not this one").Ok();

            // Then the follower prints it as one JSON line
            var line = await follower.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20));
            var e = System.Text.Json.JsonDocument.Parse(line!).RootElement;
            Assert.Equal("v1.2 to staging", e.GetProperty("message").GetString());
            Assert.Equal("deploy", e.GetProperty("type").GetString());
        }
        finally
        {
            follower.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public void Since_takes_a_duration_or_a_time_and_refuses_anything_else()
    {
        _repo.Baton("events", "log", "note", "now").Ok();

        Assert.Equal(1, _repo.Baton("events", "recent", "10", "--type", "note", "--since", "10m", "--json").Ok().Json().GetArrayLength());
        Assert.Equal(0, _repo.Baton("events", "recent", "10", "--type", "note", "--since", "2099-01-01T00:00:00Z", "--json").Ok().Json().GetArrayLength());
        Assert.Equal(2, _repo.Baton("events", "recent", "--since", "yesterday-ish").ExitCode);
    }
}
