using Baton.Core.Agents;
using Baton.Core.Config;
using Baton.Core.Files;
using Baton.Core.Processes;
using Baton.Core.Roles;
using Baton.Core.Security;
using Baton.Core.Storage;
using Baton.Core.Tmux;

namespace Baton.Core.Workers;

/// <summary>What the worker services share: the ports, the configuration and the clock.</summary>
public sealed record WorkerContext(
    IStore Store,
    Func<string?, ITmux> Tmux,
    IAgentProfiles Profiles,
    IHeadlessHost Headless,
    IExecutables Executables,
    ISessionLock Locks,
    Redactor Redactor,
    BatonConfig Config,
    BatonPaths Paths,
    TimeProvider Time,
    Func<RoleSetup> RoleSetup)
{
    /// <summary>The disk: the shim, the spool and the logs.</summary>
    public required IFiles Files { get; init; }

    /// <summary>The variables Baton was started with (the PATH an agent inherits).</summary>
    public required IEnvironmentVariables Variables { get; init; }

    /// <summary>Asks an agent's binary its version at spawn; null: not recorded.</summary>
    public IAgentVersions? Versions { get; init; }

    /// <summary>Per-worker usage rows (started at spawn with the agent's version); null: not recorded.</summary>
    public Usage.IUsageStore? Usage { get; init; }

    /// <summary>The agents' hook spools: read when a worker is ended, so its last turn's usage is counted; null: not read.</summary>
    public Monitoring.IHookSpool? Spool { get; init; }

    /// <summary>Bubblewrap and user namespaces here (sandboxed workers); null: no sandbox can be made.</summary>
    public Sandbox.ISandboxProbe? Sandbox { get; init; }

    /// <summary>
    /// The shared store's URL (it holds no password) as this process reaches it; null: the
    /// repository's SQLite file. An agent's `baton` commands go the same way (BATON_STORE_URL in its
    /// session, with BATON_STORE_PASSWORD or PGPASSWORD when this process has one), not the way of
    /// whatever started the tmux server (another node, through another route, or a shell with
    /// another store or none in its environment).
    /// </summary>
    public string? StoreUrl { get; init; }

    /// <summary>Per-worker and per-role credentials for sandboxes; null: none.</summary>
    public Sandbox.ICredentialStore? Credentials { get; init; }

    /// <summary>
    /// The running processes, by the variables Baton put in an agent's environment: what of an
    /// agent outlives its killed session (Gemini CLI's node survives the hang-up) is stopped;
    /// null: not looked for.
    /// </summary>
    public IProcessTable? Processes { get; init; }

    public PromptTyper Typer() => new(Locks, Time, Config.SubmitRetries);

    public Worker RequireWorker(string name)
    {
        WorkerName.Validate(name);
        return Store.GetWorker(name)
            ?? throw new BatonException($"unknown worker '{name}': `baton list` shows the workers Baton knows");
    }
}
