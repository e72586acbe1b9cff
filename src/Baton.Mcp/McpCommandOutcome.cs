namespace Baton.Mcp;

/// <summary>What one `baton` command run in-process printed, and its exit code.</summary>
public sealed record McpCommandOutcome(int ExitCode, string Output, string Error);
