using System.Globalization;
using System.Text.Json;
using Baton.Core.Agents;
using Baton.Core.Agents.Streams;
using Baton.Core.Monitoring;
using Baton.Core.Usage;
using Baton.Core.Workers;
using Baton.Infrastructure.Agents;
using Baton.IntegrationTests.Support;
using Xunit;

namespace Baton.IntegrationTests.Agents;

/// <summary>
/// Every recorded stream and hook payload of every recorded agent version (tests/fixtures) read
/// by Baton's parsers and hook mapping. A fixture file without an expectation here fails, so a new
/// recording (a new agent version) cannot slip in untested.
/// </summary>
public sealed class RecordedStreamTests
{
    /// <summary>What each stream says, summed up: version, tool uses/errors, retries, results, errors, rate limits, tokens (in/out/cache write/cache read), cost, window.</summary>
    private static readonly Dictionary<string, string> Streams = new(StringComparer.Ordinal)
    {
        ["claude-code-2.1.197/headless-stream-json.jsonl"] = "version=2.1.197 tools=1 tool_errors=0 retries=0 hooks=0 results=1 errors=0 limits=0 tokens=24/14/0/0 cost=0.00047 context=12/1000000",
        ["claude-code-2.1.330/headless-api-error-400.jsonl"] = "version=2.1.197 tools=0 tool_errors=0 retries=0 hooks=1 results=1 errors=1(400) limits=0 tokens=0/0/0/0 cost=- context=-/-",
        ["claude-code-2.1.330/headless-api-error-500-retries.jsonl"] = "version=2.1.197 tools=0 tool_errors=0 retries=1(500) hooks=1 results=1 errors=1(500) limits=0 tokens=0/0/0/0 cost=- context=-/-",
        ["claude-code-2.1.330/headless-stream-json-input.jsonl"] = "version=2.1.197 tools=2 tool_errors=0 retries=0 hooks=0 results=2 errors=0 limits=0 tokens=48/28/0/0 cost=0.00094 context=12/1000000",
        ["claude-code-2.1.330/headless-stream-json.jsonl"] = "version=2.1.330 tools=1 tool_errors=0 retries=0 hooks=0 results=1 errors=0 limits=0 tokens=24/14/0/0 cost=0.000376 context=12/1000000",
        ["codex-0.169.0/exec-json.jsonl"] = "version=- tools=1 tool_errors=0 retries=0 hooks=0 results=1 errors=0 limits=0 tokens=40/10/0/0 cost=- context=40/-",
        // Gemini CLI's totals include the router's side request (20 in, 5 out each run).
        ["gemini-cli-0.61.0/headless-api-error-400.jsonl"] = "version=- tools=0 tool_errors=0 retries=0 hooks=0 results=1 errors=1(400) limits=0 tokens=0/0/0/0 cost=- context=-/-",
        ["gemini-cli-0.61.0/headless-api-error-500-after-retries.jsonl"] = "version=- tools=0 tool_errors=0 retries=0 hooks=0 results=1 errors=1(500) limits=0 tokens=0/0/0/0 cost=- context=-/-",
        ["gemini-cli-0.61.0/headless-stream-json-default-mode-no-write-tools.jsonl"] = "version=- tools=0 tool_errors=0 retries=0 hooks=0 results=1 errors=0 limits=0 tokens=40/10/0/0 cost=- context=-/-",
        ["gemini-cli-0.61.0/headless-stream-json-shell.jsonl"] = "version=- tools=1 tool_errors=0 retries=0 hooks=0 results=1 errors=0 limits=0 tokens=60/15/0/0 cost=- context=-/-",
        ["gemini-cli-0.61.0/headless-stream-json.jsonl"] = "version=- tools=1 tool_errors=0 retries=0 hooks=0 results=1 errors=0 limits=0 tokens=60/15/0/0 cost=- context=-/-",
        ["opencode-1.18.33/headless-run-json-api-error-400.jsonl"] = "version=- tools=0 tool_errors=0 retries=0 hooks=0 results=1 errors=1(400) limits=0 tokens=0/0/0/0 cost=- context=-/-",
        ["opencode-1.18.33/headless-run-json-auto-bash.jsonl"] = "version=- tools=1 tool_errors=0 retries=0 hooks=0 results=1 errors=0 limits=0 tokens=40/10/0/0 cost=- context=20/-",
        // `run` rejects an "ask" permission by itself and the run ends there, without a result.
        ["opencode-1.18.33/headless-run-json-permission-auto-rejected.jsonl"] = "version=- tools=1 tool_errors=1 retries=0 hooks=0 results=0 errors=0 limits=0 tokens=20/5/0/0 cost=- context=20/-",
        ["opencode-1.18.33/headless-run-json.jsonl"] = "version=- tools=1 tool_errors=0 retries=0 hooks=0 results=1 errors=0 limits=0 tokens=40/10/0/0 cost=- context=20/-",
    };

    /// <summary>The states each hook (or notify) payload file maps to, in order.</summary>
    private static readonly Dictionary<string, string> Hooks = new(StringComparer.Ordinal)
    {
        ["claude-code-2.1.330/hook-payloads.jsonl"] = "Stop=idle",
        ["codex-0.169.0/hook-payloads.jsonl"] = "SessionStart=idle UserPromptSubmit=busy PreToolUse=busy PermissionRequest=waiting PostToolUse=busy Stop=idle",
        ["codex-0.169.0/notify-payloads.jsonl"] = string.Join(' ', Enumerable.Repeat("agent-turn-complete=idle", 10)),
        // A turn, then one whose approval was cancelled with Esc (no AfterAgent: the screen says idle), then Ctrl-D.
        ["gemini-cli-0.61.0/hook-payloads.jsonl"] = "SessionStart=idle BeforeAgent=busy PreCompress=none BeforeModel=none BeforeToolSelection=none AfterModel=none BeforeTool=busy Notification=waiting AfterTool=busy PreCompress=none BeforeModel=none BeforeToolSelection=none AfterModel=none AfterModel=none AfterAgent=idle BeforeAgent=busy PreCompress=none BeforeModel=none BeforeToolSelection=none AfterModel=none BeforeTool=busy Notification=waiting SessionEnd=none SessionEnd=none SessionEnd=none",
    };

    /// <summary>Recordings another test reads with its own expectations.</summary>
    private static readonly HashSet<string> ReadElsewhere = new(StringComparer.Ordinal)
    {
        "claude-code-2.1.330/statusline-input.jsonl", // Workers/StatusLineTests, Handoff/ClaudeStatusLineTests
    };

    public static TheoryData<string> StreamFiles() => [.. Streams.Keys];

    public static TheoryData<string> HookFiles() => [.. Hooks.Keys];

    [Fact]
    public void Every_recorded_file_of_every_version_has_an_expectation()
    {
        var files = Directory.GetDirectories(RepoPaths.Fixtures)
            .SelectMany(d => Directory.GetFiles(d))
            .Select(f => Path.GetRelativePath(RepoPaths.Fixtures, f))
            .Order(StringComparer.Ordinal)
            .ToList();

        // Screens (*.txt) are read by RecordedScreenTests, whose file-name rule has no default.
        // Request logs (request-log-*.jsonl) are read by RecordedRequestTests.
        var missing = files.Where(f => !f.EndsWith(".txt", StringComparison.Ordinal) && !Streams.ContainsKey(f) && !Hooks.ContainsKey(f)
            && !RecordedRequestTests.Requests.ContainsKey(f.Replace('\\', '/')) && !ReadElsewhere.Contains(f.Replace('\\', '/'))).ToList();

        Assert.True(missing.Count == 0, "fixtures without an expectation in RecordedStreamTests: " + string.Join(", ", missing));
        Assert.DoesNotContain(files, f => !f.EndsWith(".txt", StringComparison.Ordinal) && !f.EndsWith(".jsonl", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(StreamFiles))]
    public void Each_recorded_stream_parses_into_what_the_agent_did(string fixture)
    {
        var agent = RecordedScreenTests.AgentOf(fixture);
        var output = agent switch { "codex" => "jsonl", "gemini" => "gemini-stream-json", "opencode" => "opencode-json", _ => "stream-json" };
        var profile = new AgentProfiles(null).Get(agent);
        Assert.Equal(output, profile.HeadlessOutput); // the built-in profile picks this parser
        var parser = AgentStreams.For(profile.HeadlessOutput)!;

        var events = File.ReadAllLines(Path.Combine(RepoPaths.Fixtures, fixture)).SelectMany(parser.Parse).ToList();

        Assert.Equal(Streams[fixture], Summary(events));
    }

    [Theory]
    [MemberData(nameof(HookFiles))]
    public void Each_recorded_hook_payload_maps_to_the_state_it_means(string fixture)
    {
        var seen = new List<string>();
        foreach (var line in File.ReadAllLines(Path.Combine(RepoPaths.Fixtures, fixture)).Where(l => l.Length > 0))
        {
            using var doc = JsonDocument.Parse(line);
            var root = doc.RootElement;
            // Hook recordings wrap the payload: {"argv1": EVENT, "stdin": {...}}; notify payloads are bare.
            var payload = root.TryGetProperty("stdin", out var stdin) ? stdin : root;
            var name = root.TryGetProperty("argv1", out var argv) ? argv.GetString()! : root.GetProperty("type").GetString()!;
            if (payload.TryGetProperty("hook_event_name", out var hookName))
            {
                Assert.Equal(name, hookName.GetString());
            }

            var notification = payload.TryGetProperty("notification_type", out var n) ? n.GetString() : null;
            seen.Add($"{name}={HookStates.Map(name, notification)?.ToText() ?? "none"}");
        }

        Assert.Equal(Hooks[fixture], string.Join(' ', seen));
    }

    [Fact]
    public void Claude_hooks_name_the_transcript_that_holds_per_message_usage()
    {
        var line = File.ReadAllLines(Path.Combine(RepoPaths.Fixtures, "claude-code-2.1.330/hook-payloads.jsonl"))[0];
        using var doc = JsonDocument.Parse(line);

        Assert.EndsWith(".jsonl", doc.RootElement.GetProperty("stdin").GetProperty("transcript_path").GetString(), StringComparison.Ordinal);
    }

    public static TheoryData<string, string> Dialogs()
    {
        var data = new TheoryData<string, string>();
        foreach (var dir in Directory.GetDirectories(RepoPaths.Fixtures).Order(StringComparer.Ordinal))
        {
            var agent = RecordedScreenTests.AgentOf(Path.GetFileName(dir));
            foreach (var file in Directory.GetFiles(dir, "dialog-*.txt").Order(StringComparer.Ordinal))
            {
                data.Add(agent, Path.GetRelativePath(RepoPaths.Fixtures, file));
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Dialogs))]
    public void Each_recorded_start_up_dialog_is_answered_by_a_profile_rule(string agent, string fixture)
    {
        var profile = new AgentProfiles(null).Get(agent);

        var verdict = ScreenClassifier.Classify(profile, File.ReadAllText(Path.Combine(RepoPaths.Fixtures, fixture)));

        Assert.True(verdict.StartupRule is not null, $"{fixture}: no start-up rule of profile {agent} matches ({verdict.Evidence})");
    }

    private static string Summary(List<AgentStreamEvent> events)
    {
        string Count(AgentStreamKind kind, string? key = null)
        {
            var matching = events.Where(e => e.Kind == kind).ToList();
            var detail = key is null ? "" : string.Join(",", matching.Select(e => e.Metadata.GetValueOrDefault(key)).Where(v => v is not null));
            return matching.Count.ToString(CultureInfo.InvariantCulture) + (detail.Length > 0 ? $"({detail})" : "");
        }

        var version = events.Where(e => e.Kind == AgentStreamKind.Started).Select(e => e.Metadata.GetValueOrDefault("agent_version")).FirstOrDefault(v => v is not null) ?? "-";
        var tokens = events.Where(e => e.Kind == AgentStreamKind.Usage).Aggregate(TokenUsage.Zero, (a, e) => a + e.Usage!);
        var context = events.Where(e => e.Kind == AgentStreamKind.Context).Aggregate((ContextFill?)null, (a, e) => a is null ? e.Context : a.Then(e.Context!));
        return $"version={version} tools={Count(AgentStreamKind.ToolUse)} tool_errors={Count(AgentStreamKind.ToolError)} retries={Count(AgentStreamKind.Retry, "status")} "
            + $"hooks={Count(AgentStreamKind.Hook)} results={Count(AgentStreamKind.Result)} errors={Count(AgentStreamKind.Error, "api_error_status")} limits={Count(AgentStreamKind.RateLimit)} "
            + $"tokens={tokens.Input}/{tokens.Output}/{tokens.CacheCreation}/{tokens.CacheRead} cost={tokens.CostUsd?.ToString(CultureInfo.InvariantCulture) ?? "-"} "
            + $"context={context?.Tokens?.ToString(CultureInfo.InvariantCulture) ?? "-"}/{context?.Window?.ToString(CultureInfo.InvariantCulture) ?? "-"}";
    }
}
