using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>What one step of a script asks the model to do.</summary>
public enum StepKind
{
    /// <summary>Write a whole file (Claude Code: Write; Codex: apply_patch adding the file).</summary>
    WriteFile,

    /// <summary>Run a shell command (Claude Code: Bash; Codex: exec_command).</summary>
    Run,

    /// <summary>Codex only: apply_patch with the patch text as given.</summary>
    Patch,

    /// <summary>Any tool by name with its JSON input (Claude Code) or arguments (Codex function call).</summary>
    Tool,

    /// <summary>A plain answer that ends the turn.</summary>
    Say,

    /// <summary>An HTTP error instead of an answer.</summary>
    Fail,
}

/// <summary>
/// One answer of the scripted model. Tool steps end the model's turn with a tool call; the script
/// moves on when the next request carries that call's result. A <see cref="Say"/> step ends the
/// agent's turn; a <see cref="Fail"/> step answers with an HTTP error and moves on at once.
/// </summary>
public sealed record ModelStep
{
    public required StepKind Kind { get; init; }

    /// <summary>File path (WriteFile), command (Run), patch (Patch), tool name (Tool), answer (Say), message (Fail).</summary>
    public string Text { get; init; } = "";

    /// <summary>File content (WriteFile) or the tool's JSON input (Tool).</summary>
    public JsonObject? Input { get; init; }

    public string Content { get; init; } = "";

    /// <summary>What the server reports for this answer; side requests and failures report nothing.</summary>
    public ModelUsage Usage { get; init; } = new(100, 20);

    /// <summary>How long the answer stays open (after its first event) before it completes.</summary>
    public TimeSpan Delay { get; init; }

    public int Status { get; init; }

    public string ErrorType { get; init; } = "";

    public int? RetryAfterSeconds { get; init; }

    public bool IsToolCall => Kind is StepKind.WriteFile or StepKind.Run or StepKind.Patch or StepKind.Tool;

    public static ModelStep WriteFile(string path, string content, ModelUsage? usage = null) =>
        new() { Kind = StepKind.WriteFile, Text = path, Content = content, Usage = usage ?? new(100, 20) };

    public static ModelStep Run(string command, ModelUsage? usage = null) =>
        new() { Kind = StepKind.Run, Text = command, Usage = usage ?? new(100, 20) };

    public static ModelStep Patch(string patch, ModelUsage? usage = null) =>
        new() { Kind = StepKind.Patch, Text = patch, Usage = usage ?? new(100, 20) };

    public static ModelStep Tool(string name, JsonObject input, ModelUsage? usage = null) =>
        new() { Kind = StepKind.Tool, Text = name, Input = input, Usage = usage ?? new(100, 20) };

    /// <summary>A call of a tool of the MCP server Claude Code knows as <paramref name="server"/> (its name there: mcp__SERVER__TOOL).</summary>
    public static ModelStep Mcp(string server, string tool, JsonObject input, ModelUsage? usage = null) =>
        Tool($"mcp__{server}__{tool}", input, usage);

    public static ModelStep Say(string text, ModelUsage? usage = null) =>
        new() { Kind = StepKind.Say, Text = text, Usage = usage ?? new(100, 20) };

    /// <summary>HTTP 500, an overloaded or internal error.</summary>
    public static ModelStep ServerError(string message = "scripted internal error") =>
        new() { Kind = StepKind.Fail, Status = 500, ErrorType = "api_error", Text = message, Usage = ModelUsage.Zero };

    /// <summary>HTTP 429 with a retry-after header.</summary>
    public static ModelStep RateLimited(int retryAfterSeconds, string message = "scripted rate limit: too many requests") =>
        new() { Kind = StepKind.Fail, Status = 429, ErrorType = "rate_limit_error", Text = message, RetryAfterSeconds = retryAfterSeconds, Usage = ModelUsage.Zero };

    /// <summary>HTTP 400, a request the model refuses.</summary>
    public static ModelStep BadRequest(string message = "scripted invalid request") =>
        new() { Kind = StepKind.Fail, Status = 400, ErrorType = "invalid_request_error", Text = message, Usage = ModelUsage.Zero };

    public ModelStep After(TimeSpan delay) => this with { Delay = delay };

    /// <summary>A patch that adds one file, in the format of Codex's apply_patch.</summary>
    public static string AddFilePatch(string path, string content)
    {
        ArgumentNullException.ThrowIfNull(content);
        var lines = content.TrimEnd('\n').Split('\n').Select(l => "+" + l);
        return $"*** Begin Patch\n*** Add File: {path}\n{string.Join('\n', lines)}\n*** End Patch\n";
    }
}
