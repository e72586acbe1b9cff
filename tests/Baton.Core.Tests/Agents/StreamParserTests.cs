using Baton.Core.Agents.Streams;
using Xunit;

namespace Baton.Core.Tests.Agents;

/// <summary>The stream parsers on single lines shaped like the real CLIs' (the recorded streams are in the integration tests).</summary>
public sealed class StreamParserTests
{
    [Theory]
    [InlineData("stream-json")]
    [InlineData("jsonl")]
    public void Lines_that_are_not_json_or_not_known_yield_nothing(string output)
    {
        var parser = AgentStreams.For(output)!;

        Assert.Empty(parser.Parse(""));
        Assert.Empty(parser.Parse("Warning: no stdin data received in 3s"));
        Assert.Empty(parser.Parse("{not json"));
        Assert.Empty(parser.Parse("""{"type":"something_new","x":1}"""));
        Assert.Empty(parser.Parse("[1,2,3]"));
        Assert.DoesNotContain(parser.Parse("""{"type":"result","usage":"not an object","total_cost_usd":"x"}"""), e => e.Kind == AgentStreamKind.Usage);
    }

    [Fact]
    public void Plain_text_output_has_no_parser()
    {
        Assert.Null(AgentStreams.For("text"));
    }

    [Fact]
    public void A_claude_retry_on_429_is_a_rate_limit_with_its_delay()
    {
        var parser = new ClaudeStreamParser();

        var events = parser.Parse("""{"type":"system","subtype":"api_retry","attempt":2,"max_retries":10,"retry_delay_ms":30000,"error_status":429,"error":"rate_limit"}""");

        Assert.Equal("429", Assert.Single(events, e => e.Kind == AgentStreamKind.Retry).Metadata["status"]);
        Assert.Equal(TimeSpan.FromSeconds(30), Assert.Single(events, e => e.Kind == AgentStreamKind.RateLimit).RetryAfter);
    }

    [Fact]
    public void A_claude_retry_on_500_is_not_a_rate_limit()
    {
        var events = new ClaudeStreamParser().Parse("""{"type":"system","subtype":"api_retry","attempt":1,"max_retries":1,"retry_delay_ms":564.7,"error_status":500,"error":"server_error"}""");

        Assert.Equal("564", Assert.Single(events).Metadata["delay_ms"]);
        Assert.DoesNotContain(events, e => e.Kind == AgentStreamKind.RateLimit);
    }

    [Fact]
    public void A_claude_result_with_api_error_429_is_an_error_and_a_rate_limit()
    {
        var events = new ClaudeStreamParser().Parse("""{"type":"result","subtype":"success","is_error":true,"api_error_status":429,"result":"API Error: 429 rate limited","total_cost_usd":0,"usage":{"input_tokens":0,"output_tokens":0}}""");

        Assert.Equal("429", Assert.Single(events, e => e.Kind == AgentStreamKind.Error).Metadata["api_error_status"]);
        Assert.Single(events, e => e.Kind == AgentStreamKind.RateLimit);
        Assert.DoesNotContain(events, e => e.Kind == AgentStreamKind.Usage);
    }

    [Fact]
    public void Claude_cost_is_cumulative_per_session_so_only_its_growth_is_added()
    {
        var parser = new ClaudeStreamParser();
        const string Turn = """{"type":"result","subtype":"success","is_error":false,"total_cost_usd":COST,"usage":{"input_tokens":10,"cache_creation_input_tokens":5,"cache_read_input_tokens":100,"output_tokens":7}}""";

        var first = Assert.Single(parser.Parse(Turn.Replace("COST", "0.25", StringComparison.Ordinal)), e => e.Kind == AgentStreamKind.Usage).Usage!;
        var second = Assert.Single(parser.Parse(Turn.Replace("COST", "0.40", StringComparison.Ordinal)), e => e.Kind == AgentStreamKind.Usage).Usage!;

        Assert.Equal(0.25m, first.CostUsd);
        Assert.Equal(0.15m, second.CostUsd);
        Assert.Equal((10, 7, 5, 100), (second.Input, second.Output, second.CacheCreation, second.CacheRead));
    }

    [Fact]
    public void A_failed_claude_tool_result_names_the_tool_that_failed()
    {
        var parser = new ClaudeStreamParser();
        parser.Parse("""{"type":"assistant","message":{"model":"claude-x","content":[{"type":"tool_use","id":"t1","name":"Bash","input":{"command":"make test"}}],"usage":{"input_tokens":3,"cache_read_input_tokens":1000}}}""");

        var events = parser.Parse("""{"type":"user","message":{"role":"user","content":[{"type":"tool_result","tool_use_id":"t1","is_error":true,"content":"exit 2\nmore"}]}}""");

        var error = Assert.Single(events);
        Assert.Equal(AgentStreamKind.ToolError, error.Kind);
        Assert.Equal("Bash failed: exit 2", error.Message);
    }

    [Fact]
    public void A_claude_request_fills_the_context_with_all_its_input()
    {
        var events = new ClaudeStreamParser().Parse("""{"type":"assistant","message":{"model":"claude-sonnet-9","content":[{"type":"text","text":"hi"}],"usage":{"input_tokens":3,"cache_creation_input_tokens":7,"cache_read_input_tokens":1990,"output_tokens":1}}}""");

        var fill = Assert.Single(events).Context!;
        Assert.Equal(2000, fill.Tokens);
        Assert.Equal(200_000, fill.Window);
        Assert.Equal(0.01, fill.Fraction);
    }

    [Fact]
    public void Codex_cached_tokens_are_taken_out_of_its_input_count()
    {
        var events = new CodexStreamParser().Parse("""{"type":"turn.completed","usage":{"input_tokens":1000,"cached_input_tokens":800,"cache_write_input_tokens":50,"output_tokens":30,"reasoning_output_tokens":10}}""");

        var usage = Assert.Single(events, e => e.Kind == AgentStreamKind.Usage).Usage!;
        Assert.Equal((150, 30, 50, 800), (usage.Input, usage.Output, usage.CacheCreation, usage.CacheRead));
        Assert.Equal(1000, Assert.Single(events, e => e.Kind == AgentStreamKind.Context).Context!.Tokens);
    }

    [Fact]
    public void A_codex_command_that_exits_non_zero_is_a_tool_error()
    {
        var events = new CodexStreamParser().Parse("""{"type":"item.completed","item":{"id":"item_3","type":"command_execution","command":"bash -lc 'false'","exit_code":1,"status":"failed"}}""");

        Assert.Single(events, e => e.Kind == AgentStreamKind.ToolUse);
        Assert.Equal("1", Assert.Single(events, e => e.Kind == AgentStreamKind.ToolError).Metadata["exit_code"]);
    }

    [Theory]
    [InlineData("""{"type":"error","message":"unexpected status 429 Too Many Requests: retry-after: 20"}""", 20)]
    [InlineData("""{"type":"turn.failed","error":{"message":"You've hit your usage limit. Try again in 5 minutes."}}""", null)]
    public void A_codex_limit_message_is_a_rate_limit(string line, int? seconds)
    {
        var events = new CodexStreamParser().Parse(line);

        Assert.Single(events, e => e.Kind == AgentStreamKind.Error);
        var limit = Assert.Single(events, e => e.Kind == AgentStreamKind.RateLimit);
        Assert.Equal(seconds is { } s ? TimeSpan.FromSeconds(s) : null, limit.RetryAfter);
    }

    [Fact]
    public void A_codex_error_that_is_not_a_limit_is_only_an_error()
    {
        var events = new CodexStreamParser().Parse("""{"type":"error","message":"stream disconnected before completion"}""");

        Assert.Equal(AgentStreamKind.Error, Assert.Single(events).Kind);
    }
}
