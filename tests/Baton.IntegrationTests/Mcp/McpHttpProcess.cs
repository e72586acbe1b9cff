using System.Diagnostics;
using Baton.IntegrationTests.Support;
using Baton.IntegrationTests.Web;

namespace Baton.IntegrationTests.Mcp;

/// <summary>`baton mcp --http --port 0` as a real process, with the endpoint it printed; disposing kills that process (by its pid).</summary>
public sealed class McpHttpProcess : IDisposable
{
    private readonly Process _process;

    private McpHttpProcess(Process process, Uri endpoint, string token)
    {
        _process = process;
        Endpoint = endpoint;
        Token = token;
    }

    public Uri Endpoint { get; }

    /// <summary>The orchestrator's token (.baton/mcp.token).</summary>
    public string Token { get; }

    public static McpHttpProcess Start(TestRepo repo)
    {
        var process = Process.Start(DashboardProcess.Info(repo, [.. RepoPaths.Baton.Skip(1), "mcp", "--http", "--port", "0"]))!;
        var endpoint = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line.StartsWith("MCP: ", StringComparison.Ordinal))
                {
                    endpoint.TrySetResult(new Uri(line["MCP: ".Length..]));
                }
            }

            endpoint.TrySetException(new InvalidOperationException("baton mcp --http ended without printing its endpoint"));
        }) { IsBackground = true }.Start();
        new Thread(() => process.StandardError.ReadToEnd()) { IsBackground = true }.Start();
        if (!endpoint.Task.Wait(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("baton mcp --http printed no endpoint in 60 s");
        }

        var token = File.ReadAllText(Path.Combine(repo.Dir, ".baton", "mcp.token")).Trim();
        return new McpHttpProcess(process, endpoint.Task.Result, token);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
