using Baton.Core;
using Baton.Core.Roles;
using Xunit;

namespace Baton.Core.Tests.Roles;

public sealed class RoleComposerTests
{
    private static NamedReference Ref(string name, int line = 1) => new(name, "role.yaml", line, 5);

    private static readonly Dictionary<string, Directive> Directives = new()
    {
        ["base"] = new Directive { Name = "base", Content = "Be careful." },
        ["quality"] = new Directive { Name = "quality", Content = "Test everything.", Directives = [Ref("base")] },
        ["report"] = new Directive { Name = "report", Content = "Report progress.", Directives = [Ref("base")] },
        ["a"] = new Directive { Name = "a", Directives = [Ref("b")] },
        ["b"] = new Directive { Name = "b", Directives = [Ref("a")] },
    };

    private static Directive Lookup(NamedReference r) =>
        Directives.TryGetValue(r.Name, out var d) ? d : throw BatonException.Usage($"{r.Where}: unknown directive '{r.Name}'");

    [Fact]
    public void The_prompt_comes_first_then_each_directive_once_under_its_own_heading()
    {
        var role = new Role { Name = "worker", Description = "Does one task", Prompt = "You are a worker.", Directives = [Ref("quality"), Ref("report"), Ref("base")] };

        var text = RoleComposer.Compose(role, Lookup, "- uses RS256", "w1");

        Assert.Equal("""
            # Role: worker

            Does one task

            You are a worker.

            ## Directive: quality

            Test everything.

            ## Directive: base

            Be careful.

            ## Directive: report

            Report progress.

            ## Memory of w1

            - uses RS256

            """.Replace("\r", "", StringComparison.Ordinal), text);
    }

    [Fact]
    public void An_include_cycle_is_refused_and_named()
    {
        var role = new Role { Name = "r", Directives = [Ref("a")] };

        var e = Assert.Throws<BatonException>(() => RoleComposer.Compose(role, Lookup));

        Assert.Contains("directive include cycle: a -> b -> a", e.Message);
        Assert.Equal(BatonException.UsageExitCode, e.ExitCode);
    }

    [Fact]
    public void A_missing_directive_names_where_it_was_asked_for()
    {
        var role = new Role { Name = "r", Directives = [Ref("base"), Ref("ghost", 7)] };

        var e = Assert.Throws<BatonException>(() => RoleComposer.Compose(role, Lookup));

        Assert.StartsWith("role.yaml:7:5: unknown directive 'ghost'", e.Message);
    }
}
