namespace Baton.Mcp;

/// <summary>A tool call that failed for a reason the caller can act on: becomes a tool error with this message.</summary>
public sealed class McpToolException : Exception
{
    public McpToolException(string message)
        : base(message)
    {
    }

    public McpToolException()
    {
    }

    public McpToolException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
