namespace Baton.IntegrationTests.Web;

/// <summary>Reads server-sent events (id and data) from an open /api/stream response.</summary>
public sealed class SseReader : IDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    public static async Task<SseReader> OpenAsync(HttpClient client, string? lastEventId, string path = "api/stream")
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        Xunit.Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new SseReader(response, await response.Content.ReadAsStreamAsync());
    }

    /// <summary>The next <paramref name="count"/> events as (id, data); fails after 30 s.</summary>
    public async Task<List<(long Id, string Data)>> ReadAsync(int count)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var events = new List<(long, string)>();
        long? id = null;
        string? data = null;
        while (events.Count < count)
        {
            var line = await _reader.ReadLineAsync(timeout.Token)
                ?? throw new Xunit.Sdk.XunitException($"the stream ended after {events.Count} of {count} events");
            if (line.Length == 0)
            {
                if (id is { } i && data is not null)
                {
                    events.Add((i, data));
                }

                id = null;
                data = null;
            }
            else if (line.StartsWith("id: ", StringComparison.Ordinal))
            {
                id = long.Parse(line[4..], System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (line.StartsWith("data: ", StringComparison.Ordinal))
            {
                data = line[6..];
            }
        }

        return events;
    }

    /// <summary>Reads to the end of the response: returns normally only when the server ended it cleanly.</summary>
    public async Task ReadToEndAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await _reader.ReadLineAsync(timeout.Token) is not null)
        {
        }
    }

    public void Dispose()
    {
        _reader.Dispose();
        _response.Dispose();
    }
}
