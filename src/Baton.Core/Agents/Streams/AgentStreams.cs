namespace Baton.Core.Agents.Streams;

/// <summary>The parser for a profile's <c>headless.output</c>: <c>stream-json</c> (Claude Code), <c>jsonl</c> (Codex exec --json), <c>gemini-stream-json</c> (Gemini CLI -p --output-format stream-json), <c>opencode-json</c> (opencode run --format json), <c>scripted</c> (the scripted agent's usage lines), none for <c>text</c>.</summary>
public static class AgentStreams
{
    public static IAgentStreamParser? For(string headlessOutput) => headlessOutput switch
    {
        "stream-json" => new ClaudeStreamParser(),
        "jsonl" => new CodexStreamParser(),
        "gemini-stream-json" => new GeminiStreamParser(),
        "opencode-json" => new OpenCodeStreamParser(),
        "scripted" => new ScriptedStreamParser(),
        _ => null,
    };
}
