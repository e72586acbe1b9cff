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
    public void The_default_config_file_parses_to_the_defaults() =>
        Assert.Equal(Baton.Core.Config.BatonConfig.Default, ConfigLoader.Parse("c.yaml", ConfigLoader.DefaultFile));

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

        Assert.Equal(["aider", "claude", "codex", "gemini", "scripted"], AgentProfiles.BuiltInNames());
    }
}
