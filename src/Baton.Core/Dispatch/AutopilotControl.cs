using Baton.Core.Config;
using Baton.Core.Tmux;

namespace Baton.Core.Dispatch;

/// <summary>
/// Starting the autopilot in a tmux session of its own (`baton up --detach`) and stopping the one
/// that runs (`baton down`), both through its lock. Waits are bounded and measured on the given clock.
/// </summary>
public sealed class AutopilotControl
{
    public const string SessionName = "autopilot";

    /// <summary>How long a detached `baton up` may take to hold its lock.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a stopped autopilot may take to finish its tick and let go.</summary>
    public static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);

    private static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(50);

    private readonly IAutopilotLock _lock;
    private readonly Func<ITmux> _tmux;
    private readonly BatonConfig _config;
    private readonly BatonPaths _paths;
    private readonly IReadOnlyList<string> _self;
    private readonly TimeProvider _time;

    public AutopilotControl(IAutopilotLock autopilotLock, Func<ITmux> tmux, BatonConfig config, BatonPaths paths, IReadOnlyList<string> self, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(autopilotLock);
        ArgumentNullException.ThrowIfNull(tmux);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(self);
        ArgumentNullException.ThrowIfNull(time);
        _lock = autopilotLock;
        _tmux = tmux;
        _config = config;
        _paths = paths;
        _self = self;
        _time = time;
    }

    /// <summary>The autopilot's tmux session.</summary>
    public string Session => _config.SessionPrefix + SessionName;

    /// <summary>How to watch the session, as the user types it.</summary>
    public string AttachCommand => $"tmux{(_config.TmuxSocket is { } s ? " -L " + s : "")} attach -t {Session}";

    /// <summary>Starts `baton up --plain` in its own session and waits until it holds the lock; returns its pid.</summary>
    /// <param name="options">More options of `baton up` for the detached loop (e.g. its dashboard).</param>
    public async Task<int> DetachAsync(bool untilDone, IReadOnlyList<string> options, CancellationToken ct)
    {
        if (_lock.Holder() is { } pid)
        {
            throw new BatonException($"the autopilot is already running (pid {pid}); `baton down` stops it");
        }

        var tmux = _tmux();
        tmux.KillSession(Session); // a dead one from an earlier run
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["BATON_DB"] = _paths.Database };
        if (_config.TmuxSocket is { } socket)
        {
            env["BATON_TMUX_SOCKET"] = socket;
        }

        List<string> command = [.. _self, "up", "--plain"];
        if (untilDone)
        {
            command.Add("--until-done");
        }

        command.AddRange(options);

        if (!tmux.NewSession(new NewSessionRequest(Session, SessionName, _paths.Root, command, env, 200, 50)))
        {
            throw new BatonException($"a tmux session named '{Session}' already exists: `baton down` first");
        }

        return await WaitAsync(held: true, StartTimeout, ct).ConfigureAwait(false)
            ?? throw new BatonException($"the autopilot did not start; look at its session: {AttachCommand}");
    }

    /// <summary>Stops the running autopilot after its current tick and removes its session; returns its pid, or null when none ran.</summary>
    public async Task<int?> StopAsync(CancellationToken ct)
    {
        var pid = _lock.Holder();
        if (pid is null)
        {
            KillSession();
            return null;
        }

        if (pid <= 0 || !_lock.Terminate(pid.Value))
        {
            throw new BatonException($"the autopilot lock is held but its pid file ({_lock.PidFile}) does not name a live process; stop it by hand");
        }

        if (await WaitAsync(held: false, StopTimeout, ct).ConfigureAwait(false) is not null)
        {
            throw new BatonException($"the autopilot (pid {pid}) did not stop within {StopTimeout.TotalSeconds:0} s; `kill -9 {pid}` is safe: the next `baton up` recovers");
        }

        KillSession();
        return pid;
    }

    /// <summary>Polls the lock until it is held (or free) or the time is up; returns the holder then.</summary>
    private async Task<int?> WaitAsync(bool held, TimeSpan timeout, CancellationToken ct)
    {
        var deadline = _time.GetUtcNow() + timeout;
        var holder = _lock.Holder();
        while ((holder is not null) != held && _time.GetUtcNow() < deadline)
        {
            await Task.Delay(Poll, _time, ct).ConfigureAwait(false);
            holder = _lock.Holder();
        }

        return holder;
    }

    private void KillSession()
    {
        try
        {
            _tmux().KillSession(Session);
        }
        catch (BatonException)
        {
            // The client already takes no server and no session as nothing to kill; what is left
            // (tmux not installed) must not turn a stop that worked into a failure.
        }
    }
}
