using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Storage;

public sealed class ConcurrencyTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    [Fact]
    public async Task Twenty_baton_processes_writing_events_at_once_never_fail_or_lose_one()
    {
        // Given 20 processes that each append 10 events as fast as they can
        const int processes = 20;
        const int each = 10;
        var runs = Enumerable.Range(0, processes).Select(p => Task.Run(() =>
        {
            var results = new List<CliResult>();
            for (var i = 0; i < each; i++)
            {
                results.Add(_repo.Baton("events", "log", "load_test", $"p{p}-e{i}"));
            }

            return results;
        })).ToArray();

        var all = (await Task.WhenAll(runs)).SelectMany(r => r).ToList();

        // Then every one succeeded (no "database is locked") and all 200 are stored
        Assert.All(all, r => Assert.True(r.ExitCode == 0, r.Stderr));
        var stored = _repo.Baton("events", "recent", "1000", "--type", "load_test", "--json").Ok().Json();
        Assert.Equal(processes * each, stored.GetArrayLength());
        Assert.Equal(processes * each, stored.EnumerateArray().Select(e => e.GetProperty("message").GetString()).Distinct().Count());
    }
}
