using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Tickets;

public sealed class InboxTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private string Inbox => Path.Combine(_repo.Dir, ".baton", "inbox");

    [Fact]
    public void Task_files_become_tickets_and_bad_ones_are_set_aside_with_the_reason()
    {
        Directory.CreateDirectory(Inbox);
        File.WriteAllText(Path.Combine(Inbox, "a.json"), """{"task_id": "build-api", "description": "Build the API\nwith tests", "role": "worker", "priority": "high", "timeout": 600}""");
        File.SetLastWriteTimeUtc(Path.Combine(Inbox, "a.json"), DateTime.UtcNow.AddSeconds(-10));
        File.WriteAllText(Path.Combine(Inbox, "b.json"), """{"task_id": "build-ui", "description": "Build the UI", "dependencies": ["build-api"], "worker": "ui-worker"}""");
        File.WriteAllText(Path.Combine(Inbox, "broken.json"), """{"task_id": "x", "description": "oops",""");
        File.WriteAllText(Path.Combine(Inbox, "odd.json"), """{"task_id": "y", "descripton": "typo in a field"}""");

        var r = _repo.Baton("inbox", "--json");

        Assert.Equal(1, r.ExitCode); // something was rejected
        var api = _repo.Baton("ticket", "show", "T-1", "--json").Ok().Json();
        Assert.Equal("Build the API", api.GetProperty("title").GetString());
        Assert.Equal("high", api.GetProperty("priority").GetString());
        Assert.Equal(10, api.GetProperty("time_limit_minutes").GetInt32());
        Assert.Equal("worker", api.GetProperty("role_wanted").GetString());
        Assert.Equal("file:inbox/a.json", api.GetProperty("source").GetString());
        var ui = _repo.Baton("ticket", "show", "T-2", "--json").Ok().Json();
        Assert.Equal("T-1", ui.GetProperty("depends_on")[0].GetString());
        Assert.Equal("ui-worker", ui.GetProperty("worker_wanted").GetString());
        Assert.True(File.Exists(Path.Combine(Inbox, "processed", "a.json")));
        Assert.True(File.Exists(Path.Combine(Inbox, "rejected", "broken.json")));
        Assert.True(File.Exists(Path.Combine(Inbox, "rejected", "broken.json.error")));
        Assert.Contains("descripton", File.ReadAllText(Path.Combine(Inbox, "rejected", "odd.json.error")));
        Assert.Empty(Directory.GetFiles(Inbox, "*.json"));

        // Importing again does nothing: each file is taken once
        Assert.Contains("empty", _repo.Baton("inbox").Ok().Stdout);

        // When the ticket finishes, a results file named by its task id appears
        _repo.Baton("ticket", "done", "T-1", "--summary", "built").Ok();
        var result = System.Text.Json.JsonDocument.Parse(File.ReadAllText(Path.Combine(_repo.Dir, ".baton", "results", "build-api.json"))).RootElement;
        Assert.Equal("build-api", result.GetProperty("task_id").GetString());
        Assert.Equal("built", result.GetProperty("summary").GetString());
    }
}
