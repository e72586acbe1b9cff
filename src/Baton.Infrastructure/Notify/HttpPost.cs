using System.Net.Http.Headers;
using Baton.Core.Notify;

namespace Baton.Infrastructure.Notify;

/// <summary>POSTs a JSON body; anything but a 2xx answer is a failure naming the status (never the URL: it may carry a token).</summary>
internal static class HttpPost
{
    public static async Task SendAsync(HttpClient http, string url, string json, IReadOnlyDictionary<string, string> headers, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, url)
        {
            Content = new StringContent(json, System.Text.Encoding.UTF8),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ct).ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
            throw new NotificationFailedException($"the receiver answered {(int)response.StatusCode} {response.ReasonPhrase}{(body.Length > 0 ? ": " + Shorten(body) : "")}");
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text.Trim() : text[..200].Trim() + "...";
}
