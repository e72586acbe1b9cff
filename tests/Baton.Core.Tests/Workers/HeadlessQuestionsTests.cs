using Baton.Core.Config;
using Baton.Core.Events;
using Baton.Core.Storage;
using Baton.Core.Tests.Fakes;
using Baton.Core.Workers;
using Microsoft.Extensions.Time.Testing;
using Xunit;

namespace Baton.Core.Tests.Workers;

public sealed class HeadlessQuestionsTests : IDisposable
{
    private readonly TempStore _db = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 5, 1, 9, 0, 0, TimeSpan.Zero));
    private readonly InMemoryFiles _files = new();
    private readonly Host _host = new();
    private readonly Spawner _spawner;
    private readonly List<string> _progress = [];

    public HeadlessQuestionsTests()
    {
        _spawner = new Spawner(_db.Store, _time);
    }

    public void Dispose() => _db.Dispose();

    private HeadlessQuestions Questions() => new(_spawner, _db.Store, _host, _files, BatonPaths.ForRoot("/repo"), _time);

    private static AgentQuestion Question => new() { Prompt = "plan it", Directory = "/repo", Role = "planner", Agent = "scripted", Purpose = "planning", Timeout = TimeSpan.FromMinutes(1) };

    /// <summary>Moves the fake clock on in poll-sized steps until the wait ends (or a bound is hit).</summary>
    private async Task<T> Run<T>(Task<T> task, TimeSpan most, Action<TimeSpan>? at = null)
    {
        var gone = TimeSpan.Zero;
        while (!task.IsCompleted && gone < most)
        {
            await Task.Yield();
            _time.Advance(TimeSpan.FromMilliseconds(200));
            gone += TimeSpan.FromMilliseconds(200);
            at?.Invoke(gone);
            await Task.Delay(1);
        }

        return await task;
    }

    [Fact]
    public async Task The_answer_is_the_log_once_the_supervisor_recorded_the_exit()
    {
        var ask = Questions().AskAsync(Question, new Recorder(_progress), CancellationToken.None);

        var answer = await Run(ask, TimeSpan.FromSeconds(30), gone =>
        {
            if (gone == TimeSpan.FromSeconds(7))
            {
                _files.WriteText("/repo/.baton/logs/planner-1.log", "{\"tickets\": []}\n");
                var w = _db.Store.GetWorker("planner-1")!;
                _db.Store.UpdateWorkers([new(w with { State = WorkerState.Exited, ExitCode = 0 }, null, w)]);
            }
        });

        Assert.Equal(("{\"tickets\": []}\n", "planner-1", "scripted", (int?)0), (answer.Output, answer.Worker, answer.Agent, answer.ExitCode));
        var spawned = Assert.Single(_spawner.Requests);
        Assert.True(spawned.Headless);
        Assert.Equal(("planner", "scripted", "plan it"), (spawned.Role, spawned.Agent, spawned.Prompt));
        Assert.Contains(_progress, p => p.StartsWith("planning: scripted agent planner-1 is at it", StringComparison.Ordinal));
        Assert.Contains(_progress, p => p.StartsWith("planning: still waiting for planner-1 (", StringComparison.Ordinal));
        Assert.Empty(_host.Stopped);
    }

    [Fact]
    public async Task An_agent_that_does_not_answer_in_time_is_stopped()
    {
        var ask = Questions().AskAsync(Question, null, CancellationToken.None);

        var e = await Assert.ThrowsAsync<BatonException>(() => Run(ask, TimeSpan.FromMinutes(5)));

        Assert.Contains("planning: scripted agent planner-1 did not answer within 1 min; it was stopped", e.Message, StringComparison.Ordinal);
        Assert.Equal([4242], _host.Stopped);
    }

    [Fact]
    public async Task A_supervisor_that_died_without_recording_the_exit_ends_the_wait()
    {
        _host.Alive = false;
        var ask = Questions().AskAsync(Question, null, CancellationToken.None);

        var answer = await Run(ask, TimeSpan.FromSeconds(10));

        Assert.Equal("", answer.Output);
        Assert.Null(answer.ExitCode);
        Assert.Empty(_host.Stopped);
    }

    private sealed class Recorder(List<string> lines) : IProgress<string>
    {
        public void Report(string value) => lines.Add(value);
    }

    /// <summary>The headless host as the wait sees it: whether the pid lives, and what was stopped.</summary>
    private sealed class Host : IHeadlessHost
    {
        public bool Alive { get; set; } = true;

        public List<int> Stopped { get; } = [];

        public int Start(HeadlessLaunch launch) => throw new InvalidOperationException("the wait never starts processes itself");

        public bool IsAlive(int pid) => Alive;

        public void Stop(int pid, TimeSpan grace) => Stopped.Add(pid);
    }

    /// <summary>Spawns as WorkerSpawner records a headless worker: a busy row with its pid and log.</summary>
    private sealed class Spawner(IStore store, TimeProvider time) : IAgentSpawner
    {
        public List<SpawnRequest> Requests { get; } = [];

        public Task<Worker> SpawnAsync(SpawnRequest request, CancellationToken ct)
        {
            Requests.Add(request);
            var now = time.GetUtcNow();
            var worker = new Worker
            {
                Name = "planner-" + Requests.Count,
                Agent = request.Agent ?? "scripted",
                Role = request.Role,
                Mode = WorkerMode.Headless,
                Directory = request.Directory,
                State = WorkerState.Busy,
                Evidence = "headless: started",
                StateSince = now,
                CreatedAt = now,
                Pid = 4242,
                LogPath = "/repo/.baton/logs/planner-" + Requests.Count + ".log",
            };
            store.AddWorker(worker, new EventRecord { Time = now, Type = EventTypes.WorkerSpawned, Worker = worker.Name, Message = "spawned" });
            return Task.FromResult(worker);
        }
    }
}
