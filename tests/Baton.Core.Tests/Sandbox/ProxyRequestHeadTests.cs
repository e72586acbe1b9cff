using Baton.Core.Sandbox;
using Xunit;

namespace Baton.Core.Tests.Sandbox;

public sealed class ProxyRequestHeadTests
{
    [Fact]
    public void Connect_names_the_tunnel_destination()
    {
        var head = ProxyRequestHead.Parse("CONNECT api.anthropic.com:443 HTTP/1.1\r\nHost: api.anthropic.com:443\r\n\r\n", out _);

        Assert.NotNull(head);
        Assert.True(head.Tunnel);
        Assert.Equal(("api.anthropic.com", 443), (head.Host, head.Port));
        Assert.Equal("api.anthropic.com:443", head.Destination);
    }

    [Fact]
    public void A_plain_http_request_goes_on_in_origin_form_without_proxy_headers_and_closes_after_it()
    {
        var head = ProxyRequestHead.Parse(
            "GET http://Example.com:8080/path?token=SECRET HTTP/1.1\r\nHost: example.com:8080\r\nProxy-Authorization: Basic c2VjcmV0\r\nProxy-Connection: keep-alive\r\nConnection: keep-alive\r\nAccept: */*\r\n\r\n", out _);

        Assert.NotNull(head);
        Assert.False(head.Tunnel);
        Assert.Equal(("example.com", 8080), (head.Host, head.Port));
        Assert.Equal("GET /path?token=SECRET HTTP/1.1\r\nHost: example.com:8080\r\nAccept: */*\r\nConnection: close\r\n\r\n", head.Forwarded);
        Assert.DoesNotContain("SECRET", head.Destination, StringComparison.Ordinal); // what is logged
    }

    [Fact]
    public void A_missing_host_header_is_added_and_the_default_port_is_80()
    {
        var head = ProxyRequestHead.Parse("GET http://user:pw@example.com HTTP/1.0\r\n\r\n", out _);

        Assert.NotNull(head);
        Assert.Equal(("example.com", 80), (head.Host, head.Port));
        Assert.Equal("GET / HTTP/1.0\r\nHost: example.com\r\nConnection: close\r\n\r\n", head.Forwarded);
    }

    [Theory]
    [InlineData("GET /relative HTTP/1.1\r\n\r\n")]
    [InlineData("GET https://example.com/ HTTP/1.1\r\n\r\n")]
    [InlineData("CONNECT example.com HTTP/1.1\r\n\r\n")]
    [InlineData("SSH-2.0-OpenSSH\r\n\r\n")]
    public void What_is_not_a_proxy_request_is_refused_with_a_reason(string text)
    {
        Assert.Null(ProxyRequestHead.Parse(text, out var problem));
        Assert.NotEmpty(problem);
    }
}
