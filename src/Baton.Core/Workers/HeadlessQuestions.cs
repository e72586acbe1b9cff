using System.Globalization;

namespace Baton.Core.Workers;

/// <summary>
/// <see cref="IAgentQuestions"/> through an ordinary headless worker: spawned with its role like
/// any other (so it is listed, logged, its usage counted and its events recorded), then watched
/// in the store until its supervisor records the exit, and its log read. A worker whose supervisor
/// died without recording the exit is noticed by its pid.
/// </summary>
public sealed class HeadlessQuestions : IAgentQuestions
{
    /// <summary>The most of a log that is read back: an answer is at its end.</summary>
    public const long MaxAnswerBytes = 4 * 1024 * 1024;

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ReportEvery = TimeSpan.FromSeconds(5);

    private readonly IAgentSpawner _spawner;
    private readonly Storage.IStore _store;
    private readonly IHeadlessHost _headless;
    private readonly Files.IFiles _files;
    private readonly Config.BatonPaths _paths;
    private readonly TimeProvider _time;

    public HeadlessQuestions(IAgentSpawner spawner, Storage.IStore store, IHeadlessHost headless, Files.IFiles files, Config.BatonPaths paths, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(spawner);
        _spawner = spawner;
        _store = store;
        _headless = headless;
        _files = files;
        _paths = paths;
        _time = time;
    }

    /// <summary>For the CLI: the ports of a <see cref="WorkerContext"/>.</summary>
    public static HeadlessQuestions For(WorkerContext context, IAgentSpawner spawner)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(spawner, context.Store, context.Headless, context.Files, context.Paths, context.Time);
    }

    public async Task<AgentAnswer> AskAsync(AgentQuestion question, IProgress<string>? progress, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(question);
        var worker = await _spawner.SpawnAsync(new SpawnRequest
        {
            Agent = question.Agent,
            Role = question.Role,
            Directory = question.Directory,
            Prompt = question.Prompt,
            Headless = true,
        }, ct).ConfigureAwait(false);
        progress?.Report($"{question.Purpose}: {worker.Agent} agent {worker.Name} is at it (log: {worker.LogPath})");

        var started = _time.GetUtcNow();
        var reported = started;
        var deadProcessSeen = false;
        while (true)
        {
            var row = _store.GetWorker(worker.Name) ?? worker;
            if (!row.State.IsLive() || (row.State == WorkerState.Paused && row.ExitCode is not null))
            {
                worker = row;
                break;
            }

            var now = _time.GetUtcNow();
            if (row.Pid is { } pid && !_headless.IsAlive(pid))
            {
                // The supervisor records the exit just before it ends: one more look, then believe the pid.
                if (deadProcessSeen)
                {
                    worker = row;
                    break;
                }

                deadProcessSeen = true;
            }

            if (now - started > question.Timeout)
            {
                if (row.Pid is { } running)
                {
                    _headless.Stop(running, TimeSpan.FromSeconds(5));
                }

                throw new BatonException($"{question.Purpose}: {worker.Agent} agent {worker.Name} did not answer within {Minutes(question.Timeout)}; it was stopped (its log: {worker.LogPath})");
            }

            if (now - reported >= ReportEvery)
            {
                reported = now;
                progress?.Report($"{question.Purpose}: still waiting for {worker.Name} ({Seconds(now - started)}s)");
            }

            await Task.Delay(Poll, _time, ct).ConfigureAwait(false);
        }

        var log = worker.LogPath ?? _paths.LogFile(worker.Name);
        var output = _files.FileExists(log) ? _files.ReadTail(log, MaxAnswerBytes) : "";
        progress?.Report($"{question.Purpose}: {worker.Name} answered (exit code {worker.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, {Seconds(_time.GetUtcNow() - started)}s)");
        return new AgentAnswer(output, worker.Name, worker.Agent, worker.ExitCode);
    }

    private static string Seconds(TimeSpan t) => ((int)t.TotalSeconds).ToString(CultureInfo.InvariantCulture);

    private static string Minutes(TimeSpan t) => t.TotalMinutes >= 1 ? $"{t.TotalMinutes.ToString("0.#", CultureInfo.InvariantCulture)} min" : $"{Seconds(t)} s";
}
