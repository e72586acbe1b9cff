using Baton.Core;
using Baton.Core.Sandbox;
using Xunit;

namespace Baton.Core.Tests.Sandbox;

public sealed class SandboxNetPlanTests
{
    private static readonly Dictionary<string, string> NoEnv = [];

    [Fact]
    public void Hosts_match_exactly_or_as_subdomains_with_an_optional_port()
    {
        var list = new HostAllowList(["api.anthropic.com", "*.github.com", "pypi.org:443", "[::1]:8080"]);

        Assert.True(list.Allows("API.Anthropic.com.", 443));
        Assert.True(list.Allows("api.anthropic.com", 80));
        Assert.False(list.Allows("evil-api.anthropic.com", 443));
        Assert.False(list.Allows("anthropic.com", 443));
        Assert.True(list.Allows("codeload.github.com", 443));
        Assert.False(list.Allows("github.com", 443)); // *.domain is its subdomains only
        Assert.False(list.Allows("github.com.evil.net", 443));
        Assert.True(list.Allows("pypi.org", 443));
        Assert.False(list.Allows("pypi.org", 80));
        Assert.True(list.Allows("::1", 8080));
    }

    [Theory]
    [InlineData("")]
    [InlineData("http://example.com")]
    [InlineData("example.com:0")]
    [InlineData("example.com:99999")]
    [InlineData("a..b")]
    [InlineData("*.")]
    [InlineData("ex*ample.com")]
    [InlineData("host name")]
    public void An_entry_that_is_not_a_host_is_refused(string entry)
    {
        Assert.Null(HostAllowList.Parse(entry));
        Assert.Throws<BatonException>(() => new HostAllowList([entry]));
    }

    [Fact]
    public void None_and_allow_need_no_relay_and_none_with_hosts_is_a_contradiction()
    {
        Assert.False(SandboxNetPlan.For(new SandboxSettings { Network = SandboxNetwork.None }, NoEnv).Relayed);
        Assert.False(SandboxNetPlan.For(new SandboxSettings(), NoEnv).Relayed);
        Assert.Equal(SandboxNetwork.Allow, SandboxNetPlan.For(new SandboxSettings(), NoEnv).Network);
        var e = Assert.Throws<BatonException>(() => SandboxNetPlan.For(new SandboxSettings { Network = SandboxNetwork.None, AllowHosts = ["example.com"] }, NoEnv));
        Assert.Contains("allow_hosts", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Loopback_forwards_the_model_api_port_of_a_base_url_and_the_named_loopback_ports_only()
    {
        var env = new Dictionary<string, string> { ["ANTHROPIC_BASE_URL"] = "http://127.0.0.1:41234", ["OPENAI_API_BASE"] = "http://localhost:5000/v1", ["OTHER"] = "http://127.0.0.1:9" };

        var plan = SandboxNetPlan.For(new SandboxSettings { Network = SandboxNetwork.Loopback, AllowHosts = ["127.0.0.1:5432"] }, env);

        Assert.Equal(SandboxNetwork.Loopback, plan.Network);
        Assert.Equal([5000, 5432, 41234], plan.Forward);
        Assert.False(plan.Proxy);
        Assert.Empty(plan.Environment());
        Assert.Equal("loopback ports 5000,5432,41234", plan.Describe());
    }

    [Fact]
    public void A_port_below_1024_is_refused_at_spawn_rather_than_failing_inside()
    {
        var env = new Dictionary<string, string> { ["ANTHROPIC_BASE_URL"] = "http://localhost/" };

        var e = Assert.Throws<BatonException>(() => SandboxNetPlan.For(new SandboxSettings { Network = SandboxNetwork.Loopback }, env));
        Assert.Contains("port 80 cannot be forwarded", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_loopback_entry_must_name_its_port()
    {
        var e = Assert.Throws<BatonException>(() => SandboxNetPlan.For(new SandboxSettings { AllowHosts = ["localhost"] }, NoEnv));
        Assert.Contains("name its port", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Hosts_confine_even_under_network_allow_and_a_remote_model_api_goes_through_the_proxy()
    {
        var env = new Dictionary<string, string> { ["ANTHROPIC_BASE_URL"] = "https://gateway.example.net/anthropic" };

        var plan = SandboxNetPlan.For(new SandboxSettings { Network = SandboxNetwork.Allow, AllowHosts = ["pypi.org", "3128.example"] }, env);

        Assert.Equal(SandboxNetwork.Loopback, plan.Network);
        Assert.True(plan.Proxy);
        Assert.Equal(["pypi.org", "3128.example", "gateway.example.net:443"], plan.ProxyHosts);
        Assert.Equal("http://127.0.0.1:3128", plan.Environment()["HTTPS_PROXY"]);
        Assert.Equal("http://127.0.0.1:3128", plan.Environment()["http_proxy"]);
        Assert.Contains("127.0.0.1", plan.Environment()["NO_PROXY"], StringComparison.Ordinal);
    }

    [Fact]
    public void The_proxy_port_moves_off_a_forwarded_port()
    {
        var plan = SandboxNetPlan.For(new SandboxSettings { AllowHosts = ["127.0.0.1:3128", "127.0.0.1:3129", "example.com"] }, NoEnv);

        Assert.Equal(3130, plan.ProxyPort);
        Assert.Equal([3128, 3129], plan.Forward);
    }
}
