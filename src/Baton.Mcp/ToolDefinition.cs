namespace Baton.Mcp;

/// <summary>One tool as tools/list shows it: a small hand-written JSON schema (no reflection).</summary>
public sealed record ToolDefinition(string Name, string Description, string Schema, ToolAudience Audience);
