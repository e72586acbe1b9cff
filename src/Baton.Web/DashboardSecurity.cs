using Microsoft.AspNetCore.Http;

namespace Baton.Web;

/// <summary>
/// Every request shows the token (URL once, then the cookie; or a Bearer header), and every POST
/// carries the CSRF header the page was given: a foreign page can neither read nor act.
/// </summary>
internal sealed class DashboardSecurity
{
    public const string CookieName = "baton_token";
    public const string CsrfHeader = "X-Baton-CSRF";

    private readonly string _token;
    private readonly bool _tls;

    public DashboardSecurity(string token, string csrf, bool tls)
    {
        _token = token;
        Csrf = csrf;
        _tls = tls;
    }

    /// <summary>New at every start: the page reads it from /api/session once it is let in.</summary>
    public string Csrf { get; }

    public async Task InvokeAsync(HttpContext context, RequestDelegate next)
    {
        var headers = context.Response.Headers;
        headers["X-Content-Type-Options"] = "nosniff";
        headers["X-Frame-Options"] = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers["Cache-Control"] = "no-store";
        // xterm.js styles its rows with <style> elements it creates: the terminal page alone allows
        // inline styles (never inline scripts).
        var styles = context.Request.Path == "/terminal.html" ? "; style-src 'self' 'unsafe-inline'" : "";
        headers["Content-Security-Policy"] = "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'" + styles;

        var request = context.Request;
        var fromQuery = request.Query["token"].ToString();
        var fromUrl = fromQuery.Length > 0 && DashboardToken.Matches(fromQuery, _token);
        if (!fromUrl && !DashboardToken.Matches(Bearer(request), _token) && !DashboardToken.Matches(request.Cookies[CookieName], _token))
        {
            await Endpoints.Error(context, StatusCodes.Status401Unauthorized, "the dashboard needs its token: open the URL `baton dashboard` printed").ConfigureAwait(false);
            return;
        }

        if (fromUrl)
        {
            context.Response.Cookies.Append(CookieName, _token, new CookieOptions
            {
                HttpOnly = true,
                SameSite = SameSiteMode.Strict,
                Secure = _tls,
                Path = "/",
                IsEssential = true,
            });
            if (HttpMethods.IsGet(request.Method) && request.Path == "/")
            {
                // Out of the address bar and the history, now that the cookie carries it.
                context.Response.Redirect("/", permanent: false);
                return;
            }
        }

        if (!HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
            && !DashboardToken.Matches(request.Headers[CsrfHeader].ToString(), Csrf))
        {
            await Endpoints.Error(context, StatusCodes.Status403Forbidden, $"a change needs the {CsrfHeader} header the page was given (GET /api/session)").ConfigureAwait(false);
            return;
        }

        await next(context).ConfigureAwait(false);
    }

    private static string? Bearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        const string prefix = "Bearer ";
        return header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) ? header[prefix.Length..].Trim() : null;
    }
}
