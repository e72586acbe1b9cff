using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Baton.Web;

/// <summary>
/// The views' reads (graph, usage, merges, gates, conflicts, nodes) and the nudge and approve actions,
/// through the same gate and error mapping as <see cref="Endpoints"/>.
/// </summary>
internal static class ViewEndpoints
{
    /// <summary>The most tickets one board request may ask for.</summary>
    public const int MaxTickets = 100_000;

    public static void Map(WebApplication app, Endpoints endpoints, IDashboardBackend backend)
    {
        app.MapGet("/api/graph", (HttpContext context, string? feature) => endpoints.Run(context, () => backend.GraphJson(Blank(feature))));
        app.MapGet("/api/usage", (HttpContext context) => endpoints.Run(context, backend.UsageJson));
        app.MapGet("/api/merges", (HttpContext context, int? finished) => finished is < 0 or > 1000
            ? Endpoints.Error(context, StatusCodes.Status400BadRequest, $"finished must be between 0 and 1000, not {finished}")
            : endpoints.Run(context, () => backend.MergesJson(finished ?? 10)));
        app.MapGet("/api/gates", (HttpContext context, string? ticket, int? limit) => limit is < 1 or > 1000
            ? Endpoints.Error(context, StatusCodes.Status400BadRequest, $"limit must be between 1 and 1000, not {limit}")
            : endpoints.Run(context, () => backend.GatesJson(Blank(ticket), limit ?? 50)));
        app.MapGet("/api/conflicts", (HttpContext context) => endpoints.Run(context, backend.ConflictsJson));
        app.MapGet("/api/nodes", (HttpContext context) => endpoints.Run(context, backend.NodesJson));
        app.MapPost("/api/workers/{name}/nudge", (HttpContext context, string name) => endpoints.Run(context, ct => backend.NudgeAsync(name, ct)));
        app.MapPost("/api/workers/{name}/approve", (HttpContext context, string name) => endpoints.Run(context, ct => backend.ApproveAsync(name, ct)));
    }

    /// <summary>The board's tickets: <c>?limit=N</c> (1 to <see cref="MaxTickets"/>) or the CLI's default.</summary>
    public static Task Tickets(HttpContext context, Endpoints endpoints, IDashboardBackend backend, int? limit) => limit switch
    {
        null => endpoints.Run(context, backend.TicketsJson),
        < 1 or > MaxTickets => Endpoints.Error(context, StatusCodes.Status400BadRequest, $"limit must be between 1 and {MaxTickets}, not {limit}"),
        _ => endpoints.Run(context, () => backend.TicketsJson(limit.Value)),
    };

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text.Trim();
}
