using System.Diagnostics;
using System.Globalization;

namespace Baton.IntegrationTests.Nodes;

/// <summary>Stops the `baton node` processes a test started, by their own ids: SIGTERM (a node ends after its tick), then a kill if one does not end.</summary>
internal static class NodeProcesses
{
    public static void Stop(IEnumerable<Process> nodes)
    {
        foreach (var p in nodes)
        {
            if (!p.HasExited)
            {
                using (var term = Process.Start("kill", ["-TERM", p.Id.ToString(CultureInfo.InvariantCulture)]))
                {
                    term.WaitForExit();
                }

                if (!p.WaitForExit(30_000))
                {
                    p.Kill(entireProcessTree: true);
                    p.WaitForExit(10_000);
                }
            }

            p.Dispose();
        }
    }
}
