using System.Text.Json;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Roles;

/// <summary>Roles through the real CLI: context delivered to the agent, settings, hooks, memories and git guards.</summary>
public sealed class RoleSpawnTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private Dictionary<string, string> WorkerEnv(string worker) => new()
    {
        ["BATON_WORKER"] = worker,
        ["BATON_DB"] = Path.Combine(_repo.Dir, ".baton", "baton.db"),
    };

    private CliResult Git(string worker, string stdin, params string[] args) =>
        TestRepo.Run("git", ["-C", _repo.Dir, .. args], _repo.Dir, stdin, WorkerEnv(worker), TimeSpan.FromSeconds(30));

    [Fact]
    public void Init_writes_the_built_in_roles_and_directives_without_overwriting_edits()
    {
        var roles = Path.Combine(_repo.Dir, ".baton", "roles");
        Assert.Equal(["implementor.yaml", "manager.yaml", "overseer.yaml", "planner.yaml", "prophet.yaml", "synthesizer.yaml", "worker.yaml"], Directory.GetFiles(roles).Select(Path.GetFileName).Order());
        File.WriteAllText(Path.Combine(roles, "worker.yaml"), "name: worker\nprompt: my own worker\n");

        _repo.Baton("init").Ok();

        Assert.Equal("name: worker\nprompt: my own worker\n", File.ReadAllText(Path.Combine(roles, "worker.yaml")));
        Assert.Contains("my own worker", _repo.Baton("role", "show", "worker").Ok().Stdout);
    }

    [Fact]
    public void Spawn_with_a_role_gives_the_agent_its_composed_context_and_memory()
    {
        _repo.Baton("memory", "add", "impl", "The auth module uses RS256").Ok();

        _repo.Baton("spawn", "--agent", "scripted", "--role", "implementor", "--name", "impl", "@context got.txt").Ok();

        var path = Path.Combine(_repo.Dir, "got.txt");
        TestRepo.WaitUntil(() => File.Exists(path), "the agent saved its context");
        var given = File.ReadAllText(path);
        Assert.Equal(_repo.Baton("role", "show", "implementor", "--name", "impl").Ok().Stdout, given);
        Assert.StartsWith("# Role: implementor", given);
        Assert.Contains("## Directive: report-status", given);
        Assert.Contains("## Memory of impl", given);
        Assert.Contains("RS256", given);
        Assert.Equal("implementor", _repo.Worker("impl").GetProperty("role").GetString());
    }

    [Fact]
    public void A_context_file_the_repository_has_is_never_overwritten()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, "AGENTS.md"), "the project's own agents file\n");
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", "filey.yaml"), """
            name: filey
            command: ["{baton}", "scripted-agent"]
            context:
              file: AGENTS.md
            screen:
              region_anchor: '^>( |$)'
              region_lines: 2
              ready: '^>( |$)'
              busy: 'esc to interrupt'
              input_line: '^>(?: (.*))?$'
            """);

        _repo.Baton("spawn", "--agent", "filey", "--role", "worker", "--name", "fw", "@dump prompt.txt").Ok();

        var path = Path.Combine(_repo.Dir, "prompt.txt");
        TestRepo.WaitUntil(() => File.Exists(path), "the agent saved its prompt");
        Assert.Equal("the project's own agents file\n", File.ReadAllText(Path.Combine(_repo.Dir, "AGENTS.md")));
        Assert.StartsWith("# Role: worker", File.ReadAllText(path)); // the context came in front of the prompt instead
    }

    [Fact]
    public void Role_settings_is_valid_claude_code_settings_with_permissions_and_hooks()
    {
        var json = JsonDocument.Parse(_repo.Baton("role", "settings", "implementor").Ok().Stdout).RootElement;

        Assert.Contains("Bash(git push:*)", json.GetProperty("permissions").GetProperty("deny").EnumerateArray().Select(d => d.GetString()));
        var hooks = json.GetProperty("hooks");
        foreach (var e in new[] { "SessionStart", "UserPromptSubmit", "PreToolUse", "PostToolUse", "Notification", "Stop" })
        {
            var command = hooks.GetProperty(e)[0].GetProperty("hooks")[0];
            Assert.Equal("command", command.GetProperty("type").GetString());
            Assert.EndsWith($"hook {e}", command.GetProperty("command").GetString());
        }

        Assert.Equal("*", hooks.GetProperty("PreToolUse")[0].GetProperty("matcher").GetString());
    }

    [Fact]
    public void Hooks_move_the_worker_state_and_outrank_the_screen()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "hooked").Ok();
        Assert.Equal("idle", _repo.WaitForState("hooked", "idle").GetProperty("state").GetString());

        // The screen says idle, but the agent reports a permission prompt through its hook
        var r = TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", "Notification"], _repo.Dir,
            """{"hook_event_name":"Notification","notification_type":"permission_prompt"}""", WorkerEnv("hooked"), TimeSpan.FromSeconds(20));
        Assert.Equal(0, r.ExitCode);
        var waiting = _repo.Worker("hooked");
        Assert.Equal("waiting", waiting.GetProperty("state").GetString());
        Assert.StartsWith("hook: Notification", waiting.GetProperty("evidence").GetString());

        TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", "PreToolUse"], _repo.Dir, """{"tool_name":"Bash"}""", WorkerEnv("hooked"), TimeSpan.FromSeconds(20));
        Assert.Equal("busy", _repo.State("hooked"));
        TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", "Stop"], _repo.Dir, "{}", WorkerEnv("hooked"), TimeSpan.FromSeconds(20));
        Assert.Equal("idle", _repo.State("hooked"));
        var hookEvents = _repo.Baton("events", "recent", "50", "--worker", "hooked", "--type", "worker_hook", "--json").Ok().Json();
        Assert.Equal(3, hookEvents.GetArrayLength());
    }

    [Fact]
    public void The_hook_command_in_the_settings_runs_as_claude_code_runs_it_and_moves_the_state()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "viahook").Ok();
        _repo.WaitForState("viahook", "idle");
        var settings = JsonDocument.Parse(_repo.Baton("role", "settings", "worker").Ok().Stdout).RootElement;
        var command = settings.GetProperty("hooks").GetProperty("PermissionRequest")[0].GetProperty("hooks")[0].GetProperty("command").GetString()!;

        // Claude Code runs hook commands through a shell, with the event's JSON on stdin
        var r = TestRepo.Run("sh", ["-c", command], _repo.Dir, """{"hook_event_name":"PermissionRequest","tool_name":"Write"}""", WorkerEnv("viahook"), TimeSpan.FromSeconds(20));

        Assert.Equal(0, r.ExitCode);
        Assert.Equal("waiting", _repo.State("viahook"));
        if (Environment.GetEnvironmentVariable("BATON_BIN") is { Length: > 0 })
        {
            Assert.Contains("baton-hook", command); // the published binaries: the small hook binary is used
        }
    }

    [Fact]
    public void A_hook_never_fails_the_agent()
    {
        var bad = TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", "PreToolUse"], _repo.Dir, "{not json", WorkerEnv("nobody"), TimeSpan.FromSeconds(20));
        var outside = TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", "Stop"], _repo.Dir, "{}", new Dictionary<string, string>(), TimeSpan.FromSeconds(20));

        Assert.Equal(0, bad.ExitCode);
        Assert.Equal(0, outside.ExitCode);
        Assert.True(File.Exists(Path.Combine(_repo.Dir, ".baton", "logs", "hook-errors.log")));
    }

    [Fact]
    public void Stop_with_uncommitted_work_is_blocked_for_a_role_that_must_commit()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, "work.txt"), "not committed");
        var env = WorkerEnv("w");
        env["BATON_COMMIT_BEFORE_STOP"] = "1";

        var blocked = TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", "Stop"], _repo.Dir,
            $$"""{"stop_hook_active": false, "cwd": "{{_repo.Dir}}"}""", env, TimeSpan.FromSeconds(20));
        var again = TestRepo.Run(RepoPaths.Baton[0], [.. RepoPaths.Baton.Skip(1), "hook", "Stop"], _repo.Dir,
            $$"""{"stop_hook_active": true, "cwd": "{{_repo.Dir}}"}""", env, TimeSpan.FromSeconds(20));

        var answer = JsonDocument.Parse(blocked.Stdout).RootElement;
        Assert.Equal("block", answer.GetProperty("decision").GetString());
        Assert.Contains("work.txt", answer.GetProperty("reason").GetString());
        Assert.Equal("", again.Stdout); // Claude Code is already continuing because of this hook: let it stop
    }

    [Fact]
    public void Git_guards_refuse_a_commit_on_main_and_a_push_to_main_but_allow_the_feature_branch()
    {
        // Given an implementor worker (protected_branches main, master) and a remote
        var remote = Directory.CreateTempSubdirectory("baton-remote-").FullName;
        try
        {
            TestRepo.Run("git", ["init", "-q", "--bare", remote], remote, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(20));
            _repo.Git("remote", "add", "origin", remote);
            _repo.Baton("spawn", "--agent", "scripted", "--role", "implementor", "--name", "impl").Ok();
            File.WriteAllText(Path.Combine(_repo.Dir, "a.txt"), "a");

            // When it commits on main, moves main, or pushes to main, git refuses and says why
            Git("impl", "", "add", "a.txt");
            var onMain = Git("impl", "", "commit", "-q", "-m", "on main");
            Assert.NotEqual(0, onMain.ExitCode);
            Assert.Contains("may not move protected branch main", onMain.Stderr);

            Assert.Equal(0, Git("impl", "", "checkout", "-q", "-b", "feature/x/impl-a").ExitCode);
            Assert.Equal(0, Git("impl", "", "commit", "-q", "-m", "on the feature branch").ExitCode);
            var moveMain = Git("impl", "", "branch", "-f", "main", "HEAD");
            Assert.NotEqual(0, moveMain.ExitCode);
            var push = Git("impl", "", "push", "-q", "origin", "HEAD:refs/heads/main");
            Assert.NotEqual(0, push.ExitCode);
            Assert.Contains("protected branch main", push.Stderr);

            // Then its own branch can be pushed, and someone who is not a guarded worker is unaffected
            Assert.Equal(0, Git("impl", "", "push", "-q", "origin", "feature/x/impl-a").ExitCode);
            Assert.Equal(0, TestRepo.Run("git", ["-C", _repo.Dir, "branch", "-f", "main", "HEAD"], _repo.Dir, null, new Dictionary<string, string>(), TimeSpan.FromSeconds(20)).ExitCode);
        }
        finally
        {
            Directory.Delete(remote, true);
        }
    }

    [Fact]
    public void Write_globs_refuse_a_commit_outside_them()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "roles", "docs-writer.yaml"), """
            name: docs-writer
            description: writes docs only
            prompt: Write documentation.
            permissions:
              write: ["docs/**", "README.md"]
            """);
        _repo.Baton("spawn", "--agent", "scripted", "--role", "docs-writer", "--name", "dw").Ok();
        Directory.CreateDirectory(Path.Combine(_repo.Dir, "docs"));
        Directory.CreateDirectory(Path.Combine(_repo.Dir, "src"));
        File.WriteAllText(Path.Combine(_repo.Dir, "docs", "a.md"), "doc");
        File.WriteAllText(Path.Combine(_repo.Dir, "src", "x.cs"), "code");

        Git("dw", "", "add", "docs/a.md");
        Assert.Equal(0, Git("dw", "", "commit", "-q", "-m", "docs").ExitCode);
        Git("dw", "", "add", "src/x.cs");
        var refused = Git("dw", "", "commit", "-q", "-m", "code");

        Assert.NotEqual(0, refused.ExitCode);
        Assert.Contains("may only commit paths matching docs/**, README.md; refused: src/x.cs", refused.Stderr);
    }

    [Fact]
    public void Role_errors_name_the_file_and_line()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "roles", "broken.yaml"), "name: broken\ndirectives: [base, nope]\n");
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "roles", "typo.yaml"), "name: typo\npromt: hi\n");
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "directives", "loop-a.yaml"), "name: loop-a\ndirectives: [loop-b]\n");
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "directives", "loop-b.yaml"), "name: loop-b\ndirectives: [loop-a]\n");
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "roles", "loopy.yaml"), "name: loopy\ndirectives: [loop-a]\n");

        var missing = _repo.Baton("role", "show", "broken");
        var typo = _repo.Baton("role", "show", "typo");
        var loop = _repo.Baton("role", "show", "loopy");
        var unknown = _repo.Baton("role", "show", "nosuch");

        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("broken.yaml:2:20: unknown directive 'nope'", missing.Stderr);
        Assert.Contains("typo.yaml:2:1: unknown field 'promt'", typo.Stderr);
        Assert.Contains("directive include cycle: loop-a -> loop-b -> loop-a", loop.Stderr);
        Assert.Contains("known roles are broken, implementor, loopy, manager", unknown.Stderr);
    }
}
