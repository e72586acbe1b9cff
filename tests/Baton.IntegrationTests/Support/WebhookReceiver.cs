using System.Net;
using System.Text;

namespace Baton.IntegrationTests.Support;

/// <summary>
/// An HTTP receiver on 127.0.0.1 for webhook tests: records every request (headers, body) and
/// answers from a script (a status per request; 0 = hang until the test ends); then 200.
/// </summary>
public sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Queue<int> _answers;
    private readonly CancellationTokenSource _stop = new();
    private readonly object _gate = new();
    private readonly Thread _thread;

    public WebhookReceiver(params int[] answers)
    {
        _answers = new Queue<int>(answers);
        (_listener, Port) = LoopbackHttp.Listen();
        _thread = new Thread(Serve) { IsBackground = true };
        _thread.Start();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public List<(Dictionary<string, string> Headers, string Body, int Answer)> Requests { get; } = [];

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return Requests.Count;
            }
        }
    }

    private void Serve()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = _listener.GetContext();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Answer(context));
        }
    }

    private void Answer(HttpListenerContext context)
    {
        using var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8);
        var body = reader.ReadToEnd();
        var headers = context.Request.Headers.AllKeys.OfType<string>().ToDictionary(k => k, k => context.Request.Headers[k] ?? "", StringComparer.OrdinalIgnoreCase);
        int answer;
        lock (_gate)
        {
            answer = _answers.Count > 0 ? _answers.Dequeue() : 200;
            Requests.Add((headers, body, answer));
        }

        if (answer == 0)
        {
            _stop.Token.WaitHandle.WaitOne(); // hangs until the receiver is disposed
            return;
        }

        context.Response.StatusCode = answer;
        var text = Encoding.UTF8.GetBytes(answer == 200 ? "ok" : "receiver error");
        context.Response.OutputStream.Write(text);
        context.Response.Close();
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        _thread.Join(TimeSpan.FromSeconds(5));
        _stop.Dispose();
    }
}
