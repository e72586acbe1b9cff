using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Baton.IntegrationTests.Support.ModelServer;

/// <summary>
/// A stand-in for the model behind Claude Code, Codex, Gemini CLI and OpenCode: real HTTP on
/// 127.0.0.1 (a free port), speaking the Anthropic Messages API, the OpenAI Responses API, the
/// Gemini API (generateContent, streamGenerateContent) and OpenAI Chat Completions, answering from a script.
/// Each main-loop request is answered with the current step; a tool step stays current until a
/// request carries that tool's result (so a repeated request gets the same step again), every
/// other step moves on once served. Side requests (no tools: Claude Code's title request) get a
/// fixed answer with no usage. It records every request and the usage it reported.
/// </summary>
public sealed class ScriptedModelServer : IDisposable
{
    private readonly HttpListener _listener;
    private readonly List<ModelStep> _script;
    private readonly List<RecordedRequest> _requests = [];
    private readonly object _gate = new();
    private readonly Task _loop;
    private int _next;
    private string? _pendingTool; // the tool call id whose result moves the script on
    private int _pendingStep = -1;
    private int _served;

    private readonly ModelStep _afterScript;

    /// <param name="script">The steps, in order.</param>
    /// <param name="afterScript">What every request gets once the script is used up (default: "Done." with no usage).</param>
    public ScriptedModelServer(IEnumerable<ModelStep> script, ModelStep? afterScript = null)
    {
        _script = [.. script];
        _afterScript = afterScript ?? ModelStep.Say("Done.", ModelUsage.Zero);
        (_listener, Port) = Listen();
        _loop = Task.Run(AcceptLoop);
    }

    public int Port { get; }

    /// <summary>Headers added to every answer (e.g. the subscription-window headers Claude Code turns into its status line's rate_limits).</summary>
    public IReadOnlyDictionary<string, string> ResponseHeaders { get; init; } = new Dictionary<string, string>();

    /// <summary>For ANTHROPIC_BASE_URL.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>For a Codex model provider's base_url.</summary>
    public string OpenAiBaseUrl => BaseUrl + "/v1";

    private enum Wire
    {
        Anthropic,
        Responses,
        Chat,
        Gemini,
    }

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests];
            }
        }
    }

    /// <summary>The usage totals the server reported in all its answers of this run (side requests report none).</summary>
    public ModelUsage ReportedUsage => Requests.Aggregate(ModelUsage.Zero, (sum, r) => sum + r.Reported);

    /// <summary>How many script steps have been served (a repeated tool step counts once).</summary>
    public int StepsServed
    {
        get
        {
            lock (_gate)
            {
                return _next;
            }
        }
    }

    public bool ScriptDone => StepsServed >= _script.Count && _pendingTool is null;

    /// <summary>A readable list of what was asked and answered, for failure messages.</summary>
    public string Describe() => string.Join('\n', Requests.Select(r =>
        $"{r.Method} {r.Path} step={r.Step} status={r.Status} tools={r.ToolNames.Count}{(r.ToolNames.Count is > 0 and < 4 ? " (" + string.Join(',', r.ToolNames) + ")" : "")} results=[{string.Join(',', r.ToolResults)}]"));

    public void Dispose()
    {
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
        }
    }

    private static (HttpListener, int) Listen() => LoopbackHttp.Listen();

    private async Task AcceptLoop()
    {
        while (_listener.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            // Claude Code sends its title request while the main request streams.
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        var request = context.Request;
        var response = context.Response;
        try
        {
            var path = request.Url?.AbsolutePath ?? "/";
            var headers = request.Headers.AllKeys.Where(k => k is not null).ToDictionary(k => k!, k => request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
            using var reader = new StreamReader(request.InputStream, Encoding.UTF8);
            var text = await reader.ReadToEndAsync().ConfigureAwait(false);
            JsonNode? body = null;
            if (text.Length > 0)
            {
                try
                {
                    body = JsonNode.Parse(text);
                }
                catch (System.Text.Json.JsonException)
                {
                    body = null;
                }
            }

            if (request.HttpMethod != "POST")
            {
                Record(new(request.HttpMethod, path, headers, null, -1, 200, ModelUsage.Zero, []));
                response.StatusCode = 200;
                response.Close();
                return;
            }

            var wire = path.StartsWith("/v1/messages", StringComparison.Ordinal) ? Wire.Anthropic
                : path.StartsWith("/v1/responses", StringComparison.Ordinal) ? Wire.Responses
                : ChatWire.Serves(path) ? Wire.Chat
                : GeminiWire.Serves(path) ? Wire.Gemini
                : (Wire?)null;
            if (path.EndsWith("/count_tokens", StringComparison.Ordinal) || path.EndsWith(":countTokens", StringComparison.Ordinal))
            {
                Record(new("POST", path, headers, body, -1, 200, ModelUsage.Zero, []));
                await WriteJson(response, 200, new JsonObject { ["input_tokens"] = 100, ["totalTokens"] = 100 }).ConfigureAwait(false);
                return;
            }

            if (wire is not { } w)
            {
                Record(new("POST", path, headers, body, -1, 404, ModelUsage.Zero, []));
                await WriteJson(response, 404, new JsonObject { ["error"] = $"the scripted model server does not serve {path}" }).ConfigureAwait(false);
                return;
            }

            var results = w switch
            {
                Wire.Anthropic => AnthropicWire.ToolResults(body),
                Wire.Responses => OpenAiWire.ToolResults(body),
                Wire.Chat => ChatWire.ToolResults(body),
                _ => GeminiWire.ToolResults(body),
            };
            var side = w switch
            {
                Wire.Anthropic => AnthropicWire.IsSide(body),
                Wire.Responses => OpenAiWire.IsSide(body),
                Wire.Chat => ChatWire.IsSide(body),
                _ => GeminiWire.IsSide(body),
            };
            var model = w == Wire.Gemini ? GeminiWire.Model(path) : body?["model"]?.GetValue<string>() ?? "scripted";
            if (side && w == Wire.Gemini && !GeminiWire.IsStreaming(path))
            {
                // Gemini CLI's router asks generateContent for JSON: one whole answer.
                Record(new("POST", path, headers, body, -1, 200, ModelUsage.Zero, results));
                await WriteJson(response, 200, GeminiWire.SideAnswer(body)).ConfigureAwait(false);
                return;
            }

            var (index, step, id) = side
                ? (-1, ModelStep.Say(w switch { Wire.Anthropic => AnthropicWire.SideAnswer(body), Wire.Chat => "Scripted title", _ => "OK" }, ModelUsage.Zero), NewId())
                : Take(results);

            if (step.Kind == StepKind.Fail)
            {
                Record(new("POST", path, headers, body, index, step.Status, ModelUsage.Zero, results));
                if (step.RetryAfterSeconds is { } after)
                {
                    response.AddHeader("retry-after", after.ToString(CultureInfo.InvariantCulture));
                }

                var error = w switch
                {
                    Wire.Anthropic => AnthropicWire.Error(step),
                    Wire.Responses => OpenAiWire.Error(step),
                    Wire.Chat => ChatWire.Error(step),
                    _ => GeminiWire.Error(step),
                };
                await WriteJson(response, step.Status, error).ConfigureAwait(false);
                return;
            }

            Record(new("POST", path, headers, body, index, 200, step.Usage, results));
            var events = w switch
            {
                Wire.Anthropic => AnthropicWire.Answer(step, id, model),
                Wire.Responses => OpenAiWire.Answer(step, id, model),
                Wire.Chat => ChatWire.Answer(step, id, model),
                _ => GeminiWire.Answer(step, id, model),
            };
            response.StatusCode = 200;
            response.ContentType = "text/event-stream";
            response.AddHeader("Cache-Control", "no-cache");
            response.AddHeader("request-id", "req_" + id);
            foreach (var (name, value) in ResponseHeaders)
            {
                response.AddHeader(name, value);
            }

            response.SendChunked = true;
            var output = response.OutputStream;
            for (var i = 0; i < events.Count; i++)
            {
                var bytes = Encoding.UTF8.GetBytes(events[i].Format());
                await output.WriteAsync(bytes).ConfigureAwait(false);
                await output.FlushAsync().ConfigureAwait(false);
                if (i == 0 && step.Delay > TimeSpan.Zero)
                {
                    await Task.Delay(step.Delay).ConfigureAwait(false);
                }
            }

            response.Close();
        }
        catch (Exception e) when (e is HttpListenerException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The client went away mid-answer (an interrupted turn, a killed agent): nothing to do.
        }
    }

    private (int Index, ModelStep Step, string Id) Take(IReadOnlyList<string> results)
    {
        lock (_gate)
        {
            if (_pendingTool is not null && !results.Any(r => r.EndsWith(_pendingTool, StringComparison.Ordinal)))
            {
                // The agent asks again without the tool's result (a retry): same step, new call id.
                var again = NewId();
                _pendingTool = again;
                return (_pendingStep, _script[_pendingStep], again);
            }

            _pendingTool = null;
            if (_next >= _script.Count)
            {
                return (-1, _afterScript, NewId());
            }

            var index = _next++;
            var step = _script[index];
            var id = NewId();
            if (step.IsToolCall)
            {
                _pendingTool = id;
                _pendingStep = index;
            }

            return (index, step, id);
        }
    }

    private string NewId()
    {
        var n = Interlocked.Increment(ref _served);
        return "scripted" + n.ToString("D4", CultureInfo.InvariantCulture) + Guid.NewGuid().ToString("N")[..8];
    }

    private void Record(RecordedRequest r)
    {
        lock (_gate)
        {
            _requests.Add(r);
        }
    }

    private static async Task WriteJson(HttpListenerResponse response, int status, JsonObject json)
    {
        var bytes = Encoding.UTF8.GetBytes(json.ToJsonString());
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = bytes.Length;
        await response.OutputStream.WriteAsync(bytes).ConfigureAwait(false);
        response.Close();
    }
}
