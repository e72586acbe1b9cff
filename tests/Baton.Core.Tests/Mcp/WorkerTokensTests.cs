using Baton.Core.Config;
using Baton.Core.Mcp;
using Baton.Core.Security;
using Baton.Core.Tests.Fakes;
using Xunit;

namespace Baton.Core.Tests.Mcp;

/// <summary>The per-worker MCP token: only its hash is kept, it names its worker, and a respawn or a revoke ends it.</summary>
public sealed class WorkerTokensTests
{
    private static readonly BatonPaths Paths = BatonPaths.ForRoot("/repo");
    private readonly InMemoryFiles _files = new();
    private readonly WorkerTokens _tokens;

    public WorkerTokensTests()
    {
        _tokens = new WorkerTokens(Paths, _files);
    }

    [Fact]
    public void An_issued_token_names_its_worker_and_only_its_hash_is_written()
    {
        var token = _tokens.Issue("w1");

        Assert.Equal("w1", _tokens.WorkerOf(token));
        var stored = _files.ReadText("/repo/.baton/mcp/w1.sha256");
        Assert.DoesNotContain(token, stored, StringComparison.Ordinal);
        Assert.Equal(64, stored.Trim().Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bw.w1.")]
    [InlineData("bw..abc")]
    [InlineData("something-else")]
    [InlineData("bw.Bad_Name.0123456789012345678901234567890123456789abc")]
    public void Malformed_tokens_belong_to_nobody(string? token)
    {
        _tokens.Issue("w1");

        Assert.Null(_tokens.WorkerOf(token));
    }

    [Fact]
    public void A_changed_secret_or_another_workers_name_is_refused()
    {
        var token = _tokens.Issue("w1");
        _tokens.Issue("w2");

        Assert.Null(_tokens.WorkerOf(token[..^1] + (token[^1] == 'a' ? 'b' : 'a')));
        Assert.Null(_tokens.WorkerOf(token.Replace("bw.w1.", "bw.w2.", StringComparison.Ordinal)));
    }

    [Fact]
    public void Respawning_a_name_or_revoking_ends_the_old_token()
    {
        var first = _tokens.Issue("w1");
        var second = _tokens.Issue("w1");

        Assert.Null(_tokens.WorkerOf(first));
        Assert.Equal("w1", _tokens.WorkerOf(second));
        _tokens.Revoke("w1");
        Assert.Null(_tokens.WorkerOf(second));
    }

    [Fact]
    public void The_redactor_masks_a_worker_token_wherever_it_appears()
    {
        var token = _tokens.Issue("w1");

        var shown = new Redactor([]).Redact($"BATON_MCP_TOKEN={token} in a log line");

        Assert.DoesNotContain(token, shown, StringComparison.Ordinal);
        Assert.Contains(Redactor.Mask, shown, StringComparison.Ordinal);
    }
}
