using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Workers;

public sealed class ProfilesAndSecretsTests : IDisposable
{
    private readonly TestRepo _repo = new();

    public void Dispose() => _repo.Dispose();

    private void WriteProfile(string name, string extra) =>
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "agents", name + ".yaml"),
            $$"""
            name: {{name}}
            command: ["{baton}", "scripted-agent"]
            exit_command: /exit
            screen:
              region_anchor: '^>( |$)'
              region_lines: 2
              ready: '^>( |$)'
              busy: 'esc to interrupt'
              waiting: '\[y/n\]'
              input_line: '^>(?: (.*))?$'
            {{extra}}
            """);

    [Fact]
    public void A_start_up_dialog_the_profile_knows_is_answered_before_the_prompt()
    {
        WriteProfile("trusty", """
            env:
              SCRIPTED_TRUST_DIALOG: "1"
            startup:
              - name: trust-folder
                match: 'Do you trust the files in this folder\? \(y/n\)'
                keys: ["y"]
            """);

        _repo.Baton("spawn", "--agent", "trusty", "--name", "tr", "@write trusted.txt ok").Ok();

        TestRepo.WaitUntil(() => File.Exists(Path.Combine(_repo.Dir, "trusted.txt")), "the task ran after the dialog");
        var events = _repo.Baton("events", "recent", "20", "--type", "worker_startup_answered", "--json").Ok().Json();
        Assert.Equal(1, events.GetArrayLength());
    }

    [Fact]
    public void An_agent_that_never_becomes_ready_fails_the_spawn_with_what_to_do()
    {
        WriteProfile("sleepy", """
            ready_timeout: 1
            env:
              SCRIPTED_START_DELAY: "30"
            """);

        var r = _repo.Baton("spawn", "--agent", "sleepy", "--name", "zz", "x");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("did not show its ready prompt within 1s", r.Stderr);
        Assert.Contains("baton capture zz", r.Stderr);
    }

    [Fact]
    public void The_session_prefix_comes_from_config_and_claude_gives_the_classic_names()
    {
        File.WriteAllText(Path.Combine(_repo.Dir, ".baton", "config.yaml"), "tmux:\n  prefix: claude-\n");

        _repo.Baton("spawn", "--agent", "scripted", "--name", "classic").Ok();

        Assert.Equal(0, _repo.Tmux("has-session", "-t", "=claude-classic").ExitCode);
        Assert.Equal("claude-classic", _repo.Worker("classic").GetProperty("session").GetString());
    }

    [Fact]
    public void The_worker_knows_its_name_and_the_store_from_its_environment()
    {
        _repo.Baton("spawn", "--agent", "scripted", "--name", "envy", "@run echo \"$BATON_WORKER\" > who.txt; echo \"$BATON_DB\" >> who.txt").Ok();

        var path = Path.Combine(_repo.Dir, "who.txt");
        TestRepo.WaitUntil(() => File.Exists(path) && File.ReadAllLines(path).Length == 2, "the agent wrote its environment");
        var lines = File.ReadAllLines(path);
        Assert.Equal("envy", lines[0]);
        Assert.Equal(Path.Combine(_repo.Dir, ".baton", "baton.db"), lines[1]);
    }

    [Fact]
    public void Pass_env_reaches_an_agent_on_a_tmux_server_started_before_the_variables_were_set()
    {
        // Given a tmux server that runs already, started without the variables
        _repo.Tmux("new-session", "-d", "-s", "earlier").Ok();
        WriteProfile("passer", "pass_env: [\"PASSTEST_*\", \"EXACT_ONE\"]");
        _repo.SetEnv("PASSTEST_API_KEY", "pass-env-very-secret-value");
        _repo.SetEnv("EXACT_ONE", "exact");
        _repo.SetEnv("HTTPS_PROXY", "http://127.0.0.1:9");
        _repo.SetEnv("NOT_LISTED_VAR", "not-passed");

        // When Baton, started with them, spawns an agent of a profile that passes some of them
        _repo.Baton("spawn", "--agent", "passer", "--name", "passed",
            "@run echo \"$PASSTEST_API_KEY|$EXACT_ONE|$HTTPS_PROXY|${NOT_LISTED_VAR:-unset}\" > env.txt").Ok();

        // Then the agent has the listed ones and the proxy, not the others, and no value was recorded
        var path = Path.Combine(_repo.Dir, "env.txt");
        TestRepo.WaitUntil(() => File.Exists(path) && File.ReadAllText(path).EndsWith('\n'), "the agent wrote its environment");
        Assert.Equal("pass-env-very-secret-value|exact|http://127.0.0.1:9|unset", File.ReadAllText(path).Trim());
        var events = _repo.Baton("events", "recent", "50", "--json").Ok().Stdout;
        Assert.DoesNotContain("pass-env-very-secret-value", events, StringComparison.Ordinal);
        var spawned = _repo.Baton("events", "recent", "50", "--type", "worker_spawned", "--worker", "passed", "--json").Ok().Json()[0];
        var names = spawned.GetProperty("metadata").GetProperty("pass_env").GetString()!.Split(' ');
        Assert.Contains("PASSTEST_API_KEY", names);
        Assert.Contains("EXACT_ONE", names);
        Assert.Contains("HTTPS_PROXY", names);
        Assert.DoesNotContain("NOT_LISTED_VAR", names);
    }

    [Fact]
    public void Secrets_are_redacted_from_captures_and_events()
    {
        _repo.SetEnv("MY_SERVICE_API_KEY", "hunter2-very-secret-value");
        _repo.Baton("spawn", "--agent", "scripted", "--name", "leaky", "@say key sk-ant-api03-abcdefghijklmnopqrstuvwxyz and $MY_SERVICE_API_KEY\n@run echo env: $MY_SERVICE_API_KEY").Ok();
        _repo.WaitForState("leaky", "idle");

        var screen = _repo.Baton("capture", "leaky", "--lines", "40").Ok().Stdout;
        Assert.DoesNotContain("sk-ant-api03-abcdefghijklmnopqrstuvwxyz", screen);
        Assert.DoesNotContain("hunter2-very-secret-value", screen);
        Assert.Contains("[REDACTED]", screen);

        _repo.Baton("events", "log", "note", "token is ghp_abcdefghijklmnopqrstuvwxyz0123").Ok();
        var events = _repo.Baton("events", "recent", "50", "--json").Ok().Stdout;
        Assert.DoesNotContain("ghp_abcdefghijklmnopqrstuvwxyz0123", events);
        Assert.DoesNotContain("sk-ant-api03", events);
    }
}
