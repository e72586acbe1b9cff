using Baton.Core.Agents.Scripted;
using Xunit;

namespace Baton.Core.Tests.Agents;

public sealed class ScriptedActionTests
{
    [Fact]
    public void Lines_starting_with_at_are_actions_and_prose_is_ignored()
    {
        var actions = ScriptedAction.Parse("Implement login\n  @write a.txt hello world\n@sleep 0.5\nnot @an action\n@EXIT");

        Assert.Equal(["write", "sleep", "exit"], actions.Select(a => a.Verb));
        Assert.Equal(("a.txt", "hello world"), actions[0].SplitFirst());
        Assert.Equal(0.5, actions[1].Seconds(1));
        Assert.Equal(5, actions[2].Line);
    }

    [Fact]
    public void Escapes_write_several_lines() => Assert.Equal("a\nb\tc", ScriptedAction.Unescape("a\\nb\\tc"));

    [Fact]
    public void Bad_sleep_falls_back_and_huge_sleep_is_capped()
    {
        Assert.Equal(1, new ScriptedAction("sleep", "soon", 1).Seconds(1));
        Assert.Equal(3600, new ScriptedAction("sleep", "99999", 1).Seconds(1));
    }
}
