using Baton.Core.Agents;
using Xunit;

namespace Baton.Core.Tests.Agents;

public sealed class PassEnvTests
{
    private static AgentProfile Profile(params string[] pass) =>
        new() { Name = "p", Command = ["p"], Screen = new ScreenRules(), PassEnvironment = pass };

    [Fact]
    public void Listed_names_and_prefixes_and_the_proxies_pass_but_nothing_else_and_never_PATH_or_Baton_own()
    {
        var env = new Dictionary<string, string?>
        {
            ["ANTHROPIC_API_KEY"] = "k",
            ["ANTHROPIC"] = "no star match",
            ["EXACT"] = "e",
            ["EXACTLY"] = "not exact",
            ["HTTPS_PROXY"] = "http://proxy",
            ["HOME"] = "/home/x",
            ["PATH"] = "/bin",
            ["BATON_DB"] = "/db",
            ["ANTHROPIC_EMPTY"] = "",
        };

        var passed = PassEnv.Select(Profile("ANTHROPIC_*", "EXACT", "PATH", "BATON_*"), env);

        Assert.Equal(["ANTHROPIC_API_KEY", "EXACT", "HTTPS_PROXY"], passed.Keys.Order(StringComparer.Ordinal));
    }
}
