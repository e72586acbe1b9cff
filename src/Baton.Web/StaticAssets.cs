using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Baton.Web;

/// <summary>
/// The page's files, embedded in the binary (every file under wwwroot/, vendored libraries
/// included), read once and served from memory: a new file needs no code here.
/// </summary>
internal static class StaticAssets
{
    private const string Prefix = "wwwroot/";

    public static void Map(WebApplication app)
    {
        var assembly = typeof(StaticAssets).Assembly;
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(Prefix, StringComparison.Ordinal)))
        {
            var path = resource[Prefix.Length..];
            var route = path == "index.html" ? "/" : "/" + path;
            var type = ContentType(path);
            var bytes = Read(resource);
            app.MapGet(route, (HttpContext context) =>
            {
                context.Response.ContentType = type;
                return context.Response.Body.WriteAsync(bytes, context.RequestAborted).AsTask();
            });
        }
    }

    /// <summary>The content type of a page file, by its extension; anything else is bytes.</summary>
    public static string ContentType(string path) => Path.GetExtension(path).ToLowerInvariant() switch
    {
        ".html" => "text/html; charset=utf-8",
        ".js" or ".mjs" => "text/javascript; charset=utf-8",
        ".css" => "text/css; charset=utf-8",
        ".svg" => "image/svg+xml",
        ".png" => "image/png",
        ".json" => "application/json; charset=utf-8",
        ".txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    };

    private static byte[] Read(string resource)
    {
        using var stream = typeof(StaticAssets).Assembly.GetManifestResourceStream(resource)
            ?? throw new InvalidOperationException($"the dashboard's {resource} is not embedded in the build");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
