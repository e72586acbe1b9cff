using Baton.Core.Security;
using Xunit;

namespace Baton.Core.Tests.Security;

public sealed class RedactorTests
{
    [Theory]
    [InlineData("ANTHROPIC_API_KEY", true)]
    [InlineData("GITHUB_TOKEN", true)]
    [InlineData("CLIENT_SECRET", true)]
    [InlineData("MySecretThing", true)]
    [InlineData("DB_PASSWORD", true)]
    [InlineData("PGPASSWORD", true)]
    [InlineData("PATH", false)]
    [InlineData("TOKENIZER", false)]
    [InlineData("BATON_WORKER", false)]
    public void Secret_names_are_recognised(string name, bool secret) => Assert.Equal(secret, Redactor.IsSecretName(name));

    [Fact]
    public void Values_of_secret_variables_are_masked_wherever_they_appear()
    {
        var r = new Redactor([new("OPENAI_API_KEY", "abc123def456"), new("HOME", "/root")]);

        Assert.Equal("key=[REDACTED] home=/root", r.Redact("key=abc123def456 home=/root"));
    }

    [Theory]
    [InlineData("sk-ant-api03-AAAAAAAAAAAAAAAAAAAA")]
    [InlineData("sk-proj-abcdefghijklmnopqrstuv")]
    [InlineData("ghp_abcdefghijklmnopqrstuvwxyz0123")]
    [InlineData("github_pat_11ABCDEFG0123456789_abcdefghij")]
    [InlineData("AKIAABCDEFGHIJKLMNOP")]
    public void Known_key_shapes_are_masked(string key)
    {
        var r = new Redactor([]);

        var text = r.Redact($"using {key} now");

        Assert.DoesNotContain(key, text);
        Assert.Contains(Redactor.Mask, text);
    }

    [Fact]
    public void Bearer_tokens_are_masked() =>
        Assert.Equal("Authorization: Bearer [REDACTED]", new Redactor([]).Redact("Authorization: Bearer abcdefghijklmnop.qrs"));

    [Fact]
    public void Ordinary_text_is_left_alone() =>
        Assert.Equal("sk-short and ghp_ and task-1", new Redactor([]).Redact("sk-short and ghp_ and task-1"));
}
