using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Baton.IntegrationTests.Support.ModelServer;
using Xunit;

namespace Baton.IntegrationTests.RealAgents;

/// <summary>The scripted model server's own behaviour over real HTTP: framing, step advancing, failures, usage.</summary>
public sealed class ModelServerTests
{
    private static readonly JsonArray OneTool = [new JsonObject { ["name"] = "Bash" }];

    [Fact]
    public void Anthropic_stream_has_the_documented_event_order_and_the_tool_input_reassembles()
    {
        var events = AnthropicWire.Answer(ModelStep.WriteFile("/w/a.txt", "some content that is longer than one piece\n"), "x1", "m");

        var names = events.Select(e => e.Name).ToList();
        Assert.Equal(["message_start", "ping", "content_block_start"], names.Take(3));
        Assert.Equal(["content_block_stop", "message_delta", "message_stop"], names.TakeLast(3));
        Assert.True(names.Count(n => n == "content_block_delta") > 1, "the input arrives in several pieces");
        var json = string.Concat(events.Where(e => e.Name == "content_block_delta").Select(e => e.Data["delta"]!["partial_json"]!.GetValue<string>()));
        Assert.Equal("/w/a.txt", JsonNode.Parse(json)!["file_path"]!.GetValue<string>());
        Assert.Equal("tool_use", events[^2].Data["delta"]!["stop_reason"]!.GetValue<string>());
        Assert.StartsWith("event: message_start\ndata: {", events[0].Format(), StringComparison.Ordinal);
        Assert.EndsWith("}\n\n", events[0].Format(), StringComparison.Ordinal);
    }

    [Fact]
    public void OpenAi_usage_counts_cached_tokens_inside_input_tokens()
    {
        var events = OpenAiWire.Answer(ModelStep.Say("hi", new ModelUsage(100, 7, 0, 40)), "x2", "m");

        Assert.Equal(["response.created", "response.output_item.added", "response.output_text.delta", "response.output_item.done", "response.completed"], events.Select(e => e.Name));
        var usage = events[^1].Data["response"]!["usage"]!;
        Assert.Equal(140, usage["input_tokens"]!.GetValue<long>());
        Assert.Equal(40, usage["input_tokens_details"]!["cached_tokens"]!.GetValue<long>());
        Assert.Equal(7, usage["output_tokens"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_tool_step_is_repeated_until_a_request_carries_its_result_then_the_script_moves_on()
    {
        using var server = new ScriptedModelServer([ModelStep.Run("echo one"), ModelStep.Say("done", new ModelUsage(5, 1))]);
        using var http = new HttpClient();

        var first = await Post(http, server, Messages([]));
        var again = await Post(http, server, Messages([]));
        var id = ToolId(again);
        var last = await Post(http, server, Messages([id]));

        Assert.Contains("\"name\":\"Bash\"", first, StringComparison.Ordinal);
        Assert.NotEqual(ToolId(first), id);
        Assert.Contains("\"text\":\"done\"", last, StringComparison.Ordinal);
        Assert.Equal([0, 0, 1], server.Requests.Select(r => r.Step));
        Assert.True(server.ScriptDone);
        Assert.Equal(new ModelUsage(205, 41), server.ReportedUsage);
    }

    [Fact]
    public async Task Failures_answer_with_their_status_and_retry_after_and_report_no_usage()
    {
        using var server = new ScriptedModelServer([ModelStep.RateLimited(30), ModelStep.ServerError(), ModelStep.BadRequest("too long")]);
        using var http = new HttpClient();

        using var limited = await http.PostAsync(server.BaseUrl + "/v1/messages?beta=true", Json(Messages([])));
        using var error = await http.PostAsync(server.OpenAiBaseUrl + "/responses", Json(new JsonObject { ["input"] = new JsonArray(), ["tools"] = OneTool.DeepClone() }));
        using var bad = await http.PostAsync(server.BaseUrl + "/v1/messages?beta=true", Json(Messages([])));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("30", limited.Headers.GetValues("retry-after").Single());
        Assert.Equal("rate_limit_error", JsonNode.Parse(await limited.Content.ReadAsStringAsync())!["error"]!["type"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.InternalServerError, error.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("too long", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ModelUsage.Zero, server.ReportedUsage);
    }

    [Fact]
    public async Task A_request_without_tools_is_a_side_request_answered_with_a_title()
    {
        using var server = new ScriptedModelServer([ModelStep.Say("main answer")]);
        using var http = new HttpClient();

        var body = new JsonObject { ["messages"] = new JsonArray(), ["output_config"] = new JsonObject { ["format"] = new JsonObject { ["type"] = "json_schema" } } };
        var side = await Post(http, server, body);

        Assert.Contains("title", side, StringComparison.Ordinal);
        Assert.Equal(0, server.StepsServed);
        Assert.True(server.Requests.Single().IsSide);
    }

    private static JsonObject Messages(IEnumerable<string> results) => new()
    {
        ["model"] = "m",
        ["stream"] = true,
        ["tools"] = OneTool.DeepClone(),
        ["messages"] = new JsonArray(
            new JsonObject { ["role"] = "system", ["content"] = "a system entry in messages must not be rejected" },
            new JsonObject
            {
                ["role"] = "user",
                ["content"] = new JsonArray([.. results.Select(id => (JsonNode)new JsonObject { ["type"] = "tool_result", ["tool_use_id"] = id, ["content"] = "ok" })]),
            }),
    };

    private static async Task<string> Post(HttpClient http, ScriptedModelServer server, JsonObject body)
    {
        using var response = await http.PostAsync(server.BaseUrl + "/v1/messages?beta=true", Json(body));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadAsStringAsync();
    }

    private static string ToolId(string stream)
    {
        var start = stream.IndexOf("\"id\":\"toolu_", StringComparison.Ordinal) + 6;
        return stream[start..stream.IndexOf('"', start)];
    }

    private static StringContent Json(JsonObject body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");
}
