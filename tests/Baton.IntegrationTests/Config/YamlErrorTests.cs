using Baton.Core;
using Baton.Infrastructure.Agents;
using Baton.Infrastructure.Config;
using Xunit;

namespace Baton.IntegrationTests.Config;

public sealed class YamlErrorTests
{
    [Theory]
    [InlineData("tmux:\n  width: wide\n", "c.yaml:2:10: 'width' must be a whole number between 40 and 1000")]
    [InlineData("tmux:\n  width: 5\n", "c.yaml:2:10: 'width' is 5; allowed range is 40 to 1000")]
    [InlineData("tmux: [1, 2]\n", "c.yaml:1:7: 'tmux' must be a mapping")]
    [InlineData("agents:\n  default: [a]\n", "c.yaml:2:12: 'default' must be a single text value")]
    [InlineData("tmux:\n  prefix: 'a b'\n", "c.yaml:2:11: 'prefix' may hold only letters")]
    public void Config_errors_name_file_line_and_column(string yaml, string expected)
    {
        var e = Assert.Throws<BatonException>(() => ConfigLoader.Parse("c.yaml", yaml));

        Assert.StartsWith(expected, e.Message);
        Assert.Equal(BatonException.UsageExitCode, e.ExitCode);
    }

    [Fact]
    public void Broken_yaml_is_reported_with_a_position()
    {
        var e = Assert.Throws<BatonException>(() => ConfigLoader.Parse("c.yaml", "tmux:\n\tprefix: x\n"));

        Assert.Matches(@"^c\.yaml:\d+:\d+: invalid YAML: \S", e.Message);
    }

    [Fact]
    public void An_empty_config_means_the_defaults() =>
        Assert.Equal("baton-", ConfigLoader.Parse("c.yaml", "").SessionPrefix);

    [Fact]
    public void The_default_config_file_parses_to_the_defaults()
    {
        var d = Baton.Core.Config.BatonConfig.Default;
        var parsed = ConfigLoader.Parse("c.yaml", ConfigLoader.DefaultFile);

        // Lists and maps compare by reference in records: compare them by content.
        Assert.Equal(d with { Autopilot = parsed.Autopilot, Handoff = parsed.Handoff, Budgets = parsed.Budgets, Sandbox = parsed.Sandbox, GitHub = parsed.GitHub }, parsed);
        Assert.Equal(d.GitHub, parsed.GitHub with { ImportLabels = d.GitHub.ImportLabels, ExcludeLabels = d.GitHub.ExcludeLabels });
        Assert.Empty(parsed.GitHub.ImportLabels);
        Assert.Empty(parsed.GitHub.ExcludeLabels);
        Assert.Equal(d.Budgets, parsed.Budgets with { RequestsPerMinute = d.Budgets.RequestsPerMinute, TokensPerMinute = d.Budgets.TokensPerMinute });
        Assert.Empty(parsed.Budgets.RequestsPerMinute);
        Assert.Empty(parsed.Budgets.TokensPerMinute);
        Assert.Equal(d.Sandbox.Mode, parsed.Sandbox.Mode);
        Assert.Equal(d.Sandbox.Network, parsed.Sandbox.Network);
        Assert.Equal(d.Sandbox.IsConfined, parsed.Sandbox.IsConfined);
        Assert.Equal(d.Handoff, parsed.Handoff with { Windows = d.Handoff.Windows });
        Assert.Empty(parsed.Handoff.Windows);
        Assert.Equal(d.Autopilot, parsed.Autopilot with { GateCommands = d.Autopilot.GateCommands, GateRoles = d.Autopilot.GateRoles, MaxInstances = d.Autopilot.MaxInstances, TokensPerHour = d.Autopilot.TokensPerHour });
        Assert.Empty(parsed.Autopilot.GateRoles);
        Assert.Empty(parsed.Autopilot.GateCommands);
        Assert.Empty(parsed.Autopilot.MaxInstances);
        Assert.Empty(parsed.Autopilot.TokensPerHour);
    }

    [Theory]
    [InlineData("autopilot:\n  max_workers: 0\n", "c.yaml:2:16: 'max_workers' is 0; allowed range is 1 to 200")]
    [InlineData("autopilot:\n  stall_after: soon\n", "c.yaml:2:16: 'stall_after' must be a duration such as 30s, 10m or 1h; allowed range is 1s to 24h")]
    [InlineData("autopilot:\n  tick: 10ms\n", "c.yaml:2:9: 'tick' is 10ms; allowed range is 100ms to 1m")]
    [InlineData("autopilot:\n  on_stall: shrug\n", "c.yaml:2:13: 'on_stall' is 'shrug'; allowed values are restart, fail")]
    [InlineData("autopilot:\n  branch_pattern: 'wip/{slug}'\n", "c.yaml:2:19: 'branch_pattern' must contain {ticket}")]
    [InlineData("autopilot:\n  retry_base: 1m\n  retry_max: 10s\n", "c.yaml:3:14: 'retry_max' must not be shorter than 'retry_base'")]
    [InlineData("autopilot:\n  workers: 3\n", "c.yaml:2:3: unknown field 'workers'; expected one of: max_workers")]
    [InlineData("gate:\n  retries: 99\n", "c.yaml:2:12: 'retries' is 99; allowed range is 0 to 20")]
    [InlineData("merge:\n  auto: maybe\n", "c.yaml:2:9: 'auto' must be true or false")]
    [InlineData("agents:\n  max_instances: {claude: 0}\n", "c.yaml:2:27: 'max_instances.claude' must be a whole number; allowed range is 1 to 200")]
    public void Autopilot_settings_are_checked_with_file_line_and_allowed_range(string yaml, string expected)
    {
        var e = Assert.Throws<BatonException>(() => ConfigLoader.Parse("c.yaml", yaml));

        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Autopilot_settings_are_read()
    {
        var c = ConfigLoader.Parse("c.yaml", "autopilot:\n  max_workers: 8\n  stall_after: 90s\n  tick: 500ms\n  on_stall: fail\ngate:\n  commands: [\"make test\"]\nagents:\n  max_instances: {codex: 2}\n");

        Assert.Equal(8, c.Autopilot.MaxWorkers);
        Assert.Equal(TimeSpan.FromSeconds(90), c.Autopilot.StallAfter);
        Assert.Equal(TimeSpan.FromMilliseconds(500), c.Autopilot.Tick);
        Assert.Equal(Baton.Core.Config.StallPolicy.Fail, c.Autopilot.OnStall);
        Assert.Equal(["make test"], c.Autopilot.GateCommands);
        Assert.Equal(2, c.Autopilot.MaxInstances["codex"]);
    }

    [Theory]
    [InlineData("name: x\nscreen:\n  ready: '>'\n", "p.yaml:1:1: 'command' must list")]
    [InlineData("name: x\ncommand: [x]\n", "p.yaml:1:1: missing 'screen'")]
    [InlineData("name: x\ncommand: [x]\nscreen:\n  ready: '('\n", "p.yaml:4:10: 'ready' is not a valid regular expression")]
    [InlineData("name: x\ncommand: [x]\nmultiline: maybe\nscreen:\n  ready: '>'\n", "p.yaml:3:12: 'multiline' is 'maybe'; expected one of: paste, join")]
    [InlineData("name: x\ncommand: [x]\nscreen:\n  ready: '>'\n  colour: red\n", "p.yaml:5:3: unknown field 'colour'")]
    [InlineData("name: x\ncommand: [x]\nscreen:\n  ready: '>'\nstartup:\n  - name: t\n    match: 'x'\n", "p.yaml:6:5: a start-up rule needs 'keys'")]
    public void Profile_errors_name_file_line_and_column(string yaml, string expected)
    {
        var e = Assert.Throws<BatonException>(() => ProfileLoader.Parse("p.yaml", yaml));

        Assert.StartsWith(expected, e.Message);
    }

    [Fact]
    public void Every_built_in_profile_parses()
    {
        var profiles = new AgentProfiles(null);

        foreach (var name in AgentProfiles.BuiltInNames())
        {
            Assert.Equal(name, profiles.Get(name).Name);
        }

        Assert.Equal(["aider", "claude", "codex", "gemini", "opencode", "scripted"], AgentProfiles.BuiltInNames());
    }
}
