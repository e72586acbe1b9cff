using System.Globalization;
using Baton.Core.Agents;
using Baton.Core.Events;
using Baton.Core.Files;
using Baton.Core.Processes;
using Baton.Core.Tmux;

namespace Baton.Core.Workers;

/// <summary>Starts an agent: a tmux session (or a headless process), start-up dialogs answered, the prompt typed.</summary>
public sealed class WorkerSpawner : IAgentSpawner
{
    private readonly WorkerContext _ctx;

    public WorkerSpawner(WorkerContext context)
    {
        _ctx = context;
    }

    public async Task<Worker> SpawnAsync(SpawnRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var role = request.Role is null ? null : _ctx.RoleSetup().Roles.Catalog.GetRole(request.Role);
        var profile = _ctx.Profiles.Get(request.Agent ?? role?.Agent ?? _ctx.Config.DefaultAgent);
        if (string.IsNullOrWhiteSpace(request.Directory))
        {
            throw BatonException.Usage("--dir is empty: give the folder the agent works in, or leave --dir out for the current one");
        }

        var directory = Path.GetFullPath(request.Directory);
        if (!_ctx.Files.DirectoryExists(directory))
        {
            throw BatonException.Usage($"directory '{request.Directory}' does not exist: pass an existing folder with --dir");
        }

        if (request.Headless && profile.HeadlessCommand.Count == 0)
        {
            throw BatonException.Usage($"agent profile '{profile.Name}' ({profile.Source}) has no headless command: add `headless.command` to it or spawn without --headless");
        }

        var template = request.Headless ? profile.HeadlessCommand : profile.Command;
        var gitDirs = GitFolders(profile, template, directory);
        EnsureInstalled(profile, Expand(template, request.Prompt, gitDirs));
        var version = AgentVersionOf(profile, template);

        var tmux = _ctx.Tmux(_ctx.Config.TmuxSocket);
        var name = request.Name is null ? WorkerName.Generate(IsTaken, Random.Shared) : WorkerName.Validate(request.Name);
        var session = _ctx.Config.SessionPrefix + name;
        if (_ctx.Store.GetWorker(name) is { } existing && existing.State.IsLive())
        {
            // Checked before the role's files are written for the new worker; AddWorker checks again atomically.
            throw new BatonException($"worker '{name}' already exists and is {existing.State.ToText()}: pick another --name or `baton kill {name}` first");
        }

        // A reused name starts with a clean slate: the hook calls of the worker that had it before
        // must not be read as this one's.
        var spool = _ctx.Paths.SpoolFile(name);
        if (_ctx.Files.FileExists(spool))
        {
            _ctx.Files.DeleteFile(spool);
        }

        var launch = _ctx.RoleSetup().Prepare(profile, role, name, directory, request.Prompt);
        var prompt = launch.Prompt;
        var command = Expand(template, prompt, gitDirs).Concat(launch.Arguments).ToList();

        // Baton's own variables the agent needs (pass_env) first: the profile's env, the role's and
        // the request's win over them. Their values are never written to an event or a log.
        var environment = PassEnv.Select(profile, _ctx.Variables.All());
        var passed = environment.Keys.Order(StringComparer.Ordinal).ToList();
        foreach (var (key, value) in profile.Environment.Concat(launch.Environment).Concat(request.Environment))
        {
            environment[key] = value;
        }

        // `baton` in the agent's shell is this Baton, whatever is (or is not) on the user's PATH.
        environment["PATH"] = BatonShim() + ":" + (environment.TryGetValue("PATH", out var path) ? path : _ctx.Variables.Get("PATH") ?? "/usr/bin:/bin");
        environment["BATON_WORKER"] = name;
        environment["BATON_DB"] = _ctx.Paths.Database;
        if (_ctx.StoreUrl is { } store)
        {
            // With the password it was given, as pass_env's variables go (a tmux server started
            // before it was exported lacks it); never written to an event or a log.
            environment["BATON_STORE_URL"] = store;
            foreach (var secret in (string[])["BATON_STORE_PASSWORD", "PGPASSWORD"])
            {
                if (_ctx.Variables.Get(secret) is { Length: > 0 } value)
                {
                    environment[secret] = value;
                }
            }
        }

        environment["BATON_WORKTREE"] = directory;
        if (request.Ticket is { } ticketNumber)
        {
            environment["BATON_TICKET"] = Tickets.TicketId.Format(ticketNumber);
        }

        if (request.Branch is { } branch)
        {
            environment["BATON_BRANCH"] = branch;
        }

        // The agent's key to Baton's MCP tools for its own ticket (`baton mcp`); only its hash is kept.
        // An orchestrating role gets none: its server then serves every tool.
        if (role?.Mcp != Roles.RoleMcp.Orchestrator)
        {
            environment[Mcp.WorkerTokens.Variable] = new Mcp.WorkerTokens(_ctx.Paths, _ctx.Files).Issue(name);
        }

        if (_ctx.Config.TmuxSocket is { } socket)
        {
            environment["BATON_TMUX_SOCKET"] = socket;
        }

        // Confinement last: the command is final, and a refusal (bwrap missing) comes before any row.
        var sandbox = Sandbox.SandboxWrap.Effective(request.Sandbox, role?.Sandbox, _ctx.Config.Sandbox);
        var folders = sandbox.IsConfined || role?.Subagents.Count > 0 ? _ctx.RoleSetup().GitFolders(directory) : null;
        if (role is not null && role.Subagents.Count > 0)
        {
            launch = launch with { Notes = [.. launch.Notes, Sandbox.Subagents.Install(_ctx.Files, role, directory, folders?.Common)] };
        }

        Sandbox.SandboxNetPlan? net = null;
        if (sandbox.IsConfined)
        {
            var wrap = new Sandbox.SandboxWrap(_ctx);
            command = [.. wrap.Wrap(sandbox, profile, name, role?.Name, directory, command, environment, folders)];
            net = wrap.Plan;
        }

        var redactor = _ctx.Credentials is { } stored ? _ctx.Redactor.With([.. stored.Values()]) : _ctx.Redactor;
        var now = _ctx.Time.GetUtcNow();
        var worker = new Worker
        {
            Name = name,
            Agent = profile.Name,
            Role = request.Role,
            Mode = request.Headless ? WorkerMode.Headless : WorkerMode.Tmux,
            Session = request.Headless ? null : session,
            Socket = request.Headless ? null : _ctx.Config.TmuxSocket,
            Directory = directory,
            State = WorkerState.Starting,
            Evidence = "spawn: starting the agent",
            StateSince = now,
            CreatedAt = now,
            LogPath = request.Headless ? _ctx.Paths.LogFile(name) : null,
            Ticket = request.Ticket,
        };
        var shown = redactor.Redact(string.Join(' ', command.Select(Processes.Shell.Quote)));
        _ctx.Store.AddWorker(worker, WorkerEvents.For(worker, EventTypes.WorkerSpawned,
            $"{profile.Name} in {directory} ({(request.Headless ? "headless" : session)})", now,
            new Dictionary<string, string>
            {
                ["agent"] = profile.Name,
                ["mode"] = request.Headless ? "headless" : "tmux",
                ["directory"] = directory,
                ["command"] = shown,
                ["prompt_chars"] = prompt.Length.ToString(CultureInfo.InvariantCulture),
                ["role"] = role?.Name ?? "",
                ["setup"] = string.Join("; ", launch.Notes),
                ["agent_version"] = version ?? "unknown",
                ["pass_env"] = string.Join(' ', passed), // names only
                ["sandbox"] = sandbox.IsConfined ? "bwrap network=" + (net?.Describe() ?? "allow") : "none",
            }));
        _ctx.Usage?.Begin(worker, version);

        if (request.Headless)
        {
            return StartHeadless(worker, command, environment, directory);
        }

        bool created;
        try
        {
            created = tmux.NewSession(new NewSessionRequest(session, name, directory, command, environment, _ctx.Config.PaneWidth, _ctx.Config.PaneHeight));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fail(worker, $"tmux new-session failed: {e.Message}");
            tmux.KillSession(session); // a half-made session would block the name
            throw;
        }

        if (!created)
        {
            Fail(worker, $"a tmux session named '{session}' already exists");
            throw new BatonException($"a tmux session named '{session}' already exists and is not a live Baton worker: pick another --name");
        }

        worker = await new StartupWatch(_ctx.Store, _ctx.Redactor, _ctx.Time).WaitReadyAsync(tmux, worker, profile, ct).ConfigureAwait(false);
        if (prompt.Length > 0)
        {
            var outcome = await _ctx.Typer().SubmitAsync(tmux, session, profile, prompt, ct).ConfigureAwait(false);
            worker = RecordTyping(worker, outcome, EventTypes.WorkerPromptSent, prompt.Length);
        }

        return worker;
    }

    /// <summary>Stores a typing outcome; a verified submission means the agent is now working on it.</summary>
    internal Worker RecordTyping(Worker worker, TypingOutcome outcome, string type, int chars, string? actor = null)
    {
        var now = _ctx.Time.GetUtcNow();
        var next = outcome.Verified && worker.State == WorkerState.Idle
            ? worker with { State = WorkerState.Busy, Evidence = type == EventTypes.WorkerPromptSent ? "spawn: prompt submitted" : "send: message submitted", StateSince = now }
            : worker;
        var message = outcome.Verified
            ? $"submitted ({chars} chars, Enter x{outcome.EnterAttempts})"
            : $"NOT confirmed: {outcome.Detail} ({chars} chars)";
        // What was typed is history whatever the monitor decided meanwhile: the event always goes in;
        // the state only if the row is still the one this decision was made from.
        _ctx.Store.AppendEvent(WorkerEvents.For(worker, type, message, now, WorkerService.WithActor(new Dictionary<string, string>
        {
            ["verified"] = outcome.Verified ? "true" : "false",
            ["enter_attempts"] = outcome.EnterAttempts.ToString(CultureInfo.InvariantCulture),
            ["chunks"] = outcome.Chunks.ToString(CultureInfo.InvariantCulture),
            ["chars"] = chars.ToString(CultureInfo.InvariantCulture),
            ["detail"] = outcome.Detail,
        }, actor)));
        if (!ReferenceEquals(next, worker) && _ctx.Store.UpdateWorkers([new(next, null, worker)]) == 0)
        {
            return _ctx.Store.GetWorker(worker.Name) ?? worker;
        }

        return next;
    }

    private Worker StartHeadless(Worker worker, IReadOnlyList<string> command, IReadOnlyDictionary<string, string> environment, string directory)
    {
        _ctx.Files.CreateDirectory(_ctx.Paths.LogsDir);
        int pid;
        try
        {
            pid = _ctx.Headless.Start(new HeadlessLaunch(worker.Name, command, directory, environment, worker.LogPath!));
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Fail(worker, $"could not start the headless process: {e.Message}");
            throw;
        }

        var now = _ctx.Time.GetUtcNow();
        var running = worker with { Pid = pid, State = WorkerState.Busy, Evidence = $"headless: process {pid} started", StateSince = now };
        // The agent may already have finished and its supervisor recorded the exit: keep that.
        return _ctx.Store.UpdateWorkers([new(running, null, worker)]) == 1
            ? running
            : _ctx.Store.GetWorker(worker.Name) ?? running;
    }

    private void Fail(Worker worker, string why)
    {
        var now = _ctx.Time.GetUtcNow();
        var failed = worker with { State = WorkerState.Lost, Evidence = why, StateSince = now, EndedAt = now };
        _ctx.Store.UpdateWorkers([new(failed, WorkerEvents.For(worker, EventTypes.WorkerSpawnFailed, why, now))]);
    }

    /// <summary>Writes <c>.baton/bin/baton</c>, a two-line script that runs this Baton, and returns its folder.</summary>
    private string BatonShim()
    {
        var dir = Path.Combine(_ctx.Paths.BatonDir, "bin");
        var file = Path.Combine(dir, "baton");
        var script = "#!/bin/sh\n# written by baton: agents run the same Baton as the one that started them\nexec " + string.Join(' ', _ctx.Executables.Self.Select(Processes.Shell.Quote)) + " \"$@\"\n";
        if (!_ctx.Files.FileExists(file) || _ctx.Files.ReadText(file) != script)
        {
            // Atomically: several spawns at once may write it, and an agent may be running it.
            _ctx.Files.WriteText(file, script, FilePermissions.Executable);
        }

        return dir;
    }

    private bool IsTaken(string name) => _ctx.Store.GetWorker(name) is { } w && w.State.IsLive();

    /// <summary>
    /// <c>{git_dir}</c> and <c>{git_common_dir}</c> in a command: the checkout's own and shared git
    /// folders. A sandboxed agent (Codex's workspace-write) may write only its workspace, and it
    /// keeps the git folders read-only (a linked worktree's live outside it anyway), so without
    /// them it cannot commit. Looked up (one git call) only when a profile asks.
    /// </summary>
    private (string Own, string Common) GitFolders(AgentProfile profile, IReadOnlyList<string> template, string directory)
    {
        if (!template.Any(p => p.Contains("{git_dir}", StringComparison.Ordinal) || p.Contains("{git_common_dir}", StringComparison.Ordinal)))
        {
            return ("", "");
        }

        return _ctx.RoleSetup().GitFolders(directory)
            ?? throw BatonException.Usage($"agent profile '{profile.Name}' ({profile.Source}) passes {{git_dir}} or {{git_common_dir}}, but '{directory}' is not in a git checkout: spawn it in one, or drop them from the profile's command");
    }

    private IReadOnlyList<string> Expand(IReadOnlyList<string> template, string prompt, (string Own, string Common) gitDirs)
    {
        var result = new List<string>(template.Count + 1);
        foreach (var part in template)
        {
            if (part == "{baton}")
            {
                result.AddRange(_ctx.Executables.Self);
            }
            else
            {
                // The prompt last: it is the user's text and may itself say "{git_dir}".
                result.Add(part
                    .Replace("{git_common_dir}", gitDirs.Common, StringComparison.Ordinal)
                    .Replace("{git_dir}", gitDirs.Own, StringComparison.Ordinal)
                    .Replace("{prompt}", prompt, StringComparison.Ordinal));
            }
        }

        return result;
    }

    /// <summary>The agent's version (cached per binary), or null when it cannot say; never blocks the spawn.</summary>
    private string? AgentVersionOf(AgentProfile profile, IReadOnlyList<string> template)
    {
        if (_ctx.Versions is null || profile.VersionArgument.Count == 0 || template.Count == 0 || template[0] == "{baton}")
        {
            return null;
        }

        return _ctx.Executables.Resolve(template[0]) is { } path ? _ctx.Versions.Get(path, [], profile.VersionArgument) : null;
    }

    private void EnsureInstalled(AgentProfile profile, IReadOnlyList<string> command)
    {
        if (command.Count == 0 || _ctx.Executables.Resolve(command[0]) is null)
        {
            var what = command.Count == 0 ? "(empty)" : command[0];
            throw new BatonException(
                $"agent '{profile.Name}' is not installed: command '{what}' was not found on PATH (profile: {profile.Source}); install it, or set `command` in .baton/agents/{profile.Name}.yaml");
        }
    }

    /// <summary>
    /// The last <paramref name="lines"/> lines that say something: a dead pane is mostly blank rows
    /// between the agent's own error and tmux's "Pane is dead" line.
    /// </summary>
    public static string LastWords(string text, int lines)
    {
        ArgumentNullException.ThrowIfNull(text);
        var said = text.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0).ToList();
        return said.Count == 0 ? "(the screen was empty)" : string.Join('\n', said.Skip(Math.Max(0, said.Count - lines)));
    }

    internal static string Tail(string text, int lines)
    {
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - lines)));
    }
}
