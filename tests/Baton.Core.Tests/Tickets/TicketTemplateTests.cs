using Baton.Core.Config;
using Baton.Core.Tickets;
using Xunit;

namespace Baton.Core.Tests.Tickets;

/// <summary>An unknown placeholder in a ticket template is reported with its line, not typed to an agent as it is (issue 18).</summary>
public sealed class TicketTemplateTests
{
    [Fact]
    public void An_unknown_placeholder_is_refused_with_file_line_and_the_known_ones()
    {
        var e = Assert.Throws<Baton.Core.BatonException>(() => TicketTemplate.Check("# {{id}}: {{title}}\n\nSee {{nope}}\n", "t.md"));

        Assert.Equal(2, e.ExitCode);
        Assert.StartsWith("t.md:3: unknown placeholder {{nope}}; the known ones are {{id}}, {{title}}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_built_in_template_uses_only_known_placeholders()
    {
        TicketTemplate.Check(TicketTemplate.BuiltIn(), "built-in");
        TicketTemplate.Check("{{ id }} {{dependencies}} {not one}", "spaced");
    }

    [Theory]
    [InlineData("/r/main\n/r/main/.git\n", "/r/main")]
    [InlineData("/r/wt\n/r/main/.git\n", "/r/main")]
    [InlineData("/r/wt\n/srv/repo.git\n", "/r/wt")]
    [InlineData("/r/only\n", "/r/only")]
    public void Init_in_a_linked_worktree_uses_the_main_checkout(string revParse, string root)
    {
        Assert.Equal(root, InitService.MainRoot(revParse));
    }
}
