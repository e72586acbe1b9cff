using System.Text.Json.Nodes;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Support.ModelServer;
using Xunit;

namespace Baton.IntegrationTests.Agents;

/// <summary>
/// The requests the real Gemini CLI and OpenCode sent (recorded by a logging server, tests/fixtures
/// request-log-*.jsonl) read by the scripted model server's wires as the server reads live ones:
/// which are side requests, which tools they offer, which tool results they carry. A new CLI
/// version that changes its requests fails here before it confuses a scripted test.
/// </summary>
public sealed class RecordedRequestTests
{
    /// <summary>Per request: side or main, the offered tools' count, the tool results it carries.</summary>
    public static readonly Dictionary<string, string> Requests = new(StringComparer.Ordinal)
    {
        // The router's JSON-mode generateContent, then two streamGenerateContent steps (15 tools in yolo mode); the second
        // carries the write_file call's functionResponse under the id the CLI gave the call.
        ["gemini-cli-0.61.0/request-log-headless-write.jsonl"] = "side/0/[] main/15/[] main/15/[write_file_1796117434718_0]",
        // The title request (no tools), then the agent's two steps; the second carries the write's result.
        ["opencode-1.18.33/request-log-headless-write.jsonl"] = "side/0/[] main/10/[] main/10/[call_fake_2]",
    };

    public static TheoryData<string> Files() => [.. Requests.Keys];

    [Theory]
    [MemberData(nameof(Files))]
    public void Each_recorded_request_is_read_by_the_scripted_server_as_the_cli_meant_it(string fixture)
    {
        var gemini = fixture.StartsWith("gemini", StringComparison.Ordinal);
        var seen = new List<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(RepoPaths.Fixtures, fixture)).Where(l => l.Length > 0))
        {
            var entry = JsonNode.Parse(line)!;
            var path = entry["path"]!.GetValue<string>().Split('?')[0];
            var body = entry["body"];
            Assert.True(gemini ? GeminiWire.Serves(path) : ChatWire.Serves(path), $"{fixture}: the server does not serve {path}");
            var side = gemini ? GeminiWire.IsSide(body) : ChatWire.IsSide(body);
            var results = gemini ? GeminiWire.ToolResults(body) : ChatWire.ToolResults(body);
            var tools = new RecordedRequest("POST", path, new Dictionary<string, string>(), body, 0, 200, ModelUsage.Zero, results).ToolNames.Count;
            seen.Add($"{(side ? "side" : "main")}/{tools}/[{string.Join(',', results)}]");
        }

        Assert.Equal(Requests[fixture], string.Join(' ', seen));
    }
}
