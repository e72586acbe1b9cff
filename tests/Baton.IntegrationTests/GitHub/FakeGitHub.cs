using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Baton.IntegrationTests.Support;

namespace Baton.IntegrationTests.GitHub;

/// <summary>
/// A local server speaking the subset of GitHub's REST API Baton uses, over real HTTP on
/// 127.0.0.1 (a free port), for one repository. It checks the token, records every request, and
/// can be told to fail the next requests to a path (status and headers) to exercise retries.
/// </summary>
public sealed class FakeGitHub : IDisposable
{
    private readonly HttpListener _listener;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private readonly string _prefix;
    private readonly List<(string PathPart, int Status, (string Name, string Value)[] Headers, string Body)> _failures = [];
    private int _next = 1;
    private readonly ManualResetEventSlim _released = new(true);
    private string? _held;

    public FakeGitHub(string token, string repository = "acme/widgets", string pathPrefix = "")
    {
        Token = token;
        Repository = repository;
        _prefix = pathPrefix;
        (_listener, Port) = LoopbackHttp.Listen();

        _thread = new Thread(Serve) { IsBackground = true };
        _thread.Start();
    }

    public string Token { get; }

    /// <summary>Tokens accepted besides <see cref="Token"/> (one per node, to tell whose requests are whose).</summary>
    public List<string> MoreTokens { get; } = [];
    public string Repository { get; }
    public int Port { get; }
    public string ApiUrl => $"http://127.0.0.1:{Port}{_prefix}";

    public List<FakeRequest> Requests { get; } = [];
    public Dictionary<int, FakeIssue> Issues { get; } = [];
    public Dictionary<int, FakePull> Pulls { get; } = [];

    /// <summary>Text to put into error messages, to check that nothing echoes a secret into Baton's output.</summary>
    public string? EchoInErrors { get; set; }

    public FakeIssue AddIssue(string title, string body, params string[] labels)
    {
        lock (_gate)
        {
            var issue = new FakeIssue(_next++, title, body, [.. labels], false);
            Issues[issue.Number] = issue;
            return issue;
        }
    }

    /// <summary>A pull request as the issues list shows it (GitHub lists pull requests among issues).</summary>
    public FakeIssue AddPullRequestIssue(string title, params string[] labels)
    {
        lock (_gate)
        {
            var issue = new FakeIssue(_next++, title, "", [.. labels], true);
            Issues[issue.Number] = issue;
            return issue;
        }
    }

    /// <summary>Requests whose path contains <paramref name="pathPart"/> get no answer until <see cref="Release"/> (a GitHub that hangs).</summary>
    public void Hold(string pathPart)
    {
        _held = pathPart;
        _released.Reset();
    }

    public void Release() => _released.Set();

    /// <summary>How many requests to <paramref name="pathPart"/> are being held right now or were.</summary>
    public int HeldSeen { get; private set; }

    /// <summary>An issue closed already (`github import --issue` refuses it).</summary>
    public FakeIssue AddClosedIssue(string title)
    {
        lock (_gate)
        {
            var issue = new FakeIssue(_next++, title, "", [], false) { State = "closed" };
            Issues[issue.Number] = issue;
            return issue;
        }
    }

    /// <summary>The next request whose path contains <paramref name="pathPart"/> gets this answer instead.</summary>
    public void FailNext(string pathPart, int status, string body = "{\"message\":\"fake failure\"}", params (string Name, string Value)[] headers)
    {
        lock (_gate)
        {
            _failures.Add((pathPart, status, headers, body));
        }
    }

    public T Locked<T>(Func<T> read)
    {
        lock (_gate)
        {
            return read();
        }
    }

    public List<FakeRequest> RequestsTo(string method, string pathPart) =>
        Locked(() => Requests.Where(r => r.Method == method && r.Path.Contains(pathPart, StringComparison.Ordinal)).ToList());

    private void Serve()
    {
        while (_listener.IsListening)
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

            try
            {
                Handle(context);
            }
            catch (Exception e) when (e is HttpListenerException or IOException or InvalidOperationException)
            {
                // The client went away.
            }
        }
    }

    private void Handle(HttpListenerContext context)
    {
        var req = context.Request;
        using var reader = new StreamReader(req.InputStream, Encoding.UTF8);
        var body = reader.ReadToEnd();
        var path = req.Url!.AbsolutePath;
        if (_held is { } held && path.Contains(held, StringComparison.Ordinal) && !_released.IsSet)
        {
            HeldSeen++;
            _released.Wait(TimeSpan.FromMinutes(2));
        }

        int status;
        string text;
        var headers = new List<(string, string)>();
        lock (_gate)
        {
            Requests.Add(new FakeRequest(req.HttpMethod, path, req.Url.Query, req.Headers["Authorization"], body));
            var failure = _failures.FindIndex(f => path.Contains(f.PathPart, StringComparison.Ordinal));
            if (failure >= 0)
            {
                var f = _failures[failure];
                _failures.RemoveAt(failure);
                (status, text) = (f.Status, f.Body);
                headers.AddRange(f.Headers);
            }
            else if (req.Headers["Authorization"] is not { } auth || (auth != "Bearer " + Token && !MoreTokens.Exists(t => auth == "Bearer " + t)))
            {
                (status, text) = (401, Error("Bad credentials"));
            }
            else
            {
                (status, text) = Route(req.HttpMethod, path, req.QueryString, body);
            }
        }

        var bytes = Encoding.UTF8.GetBytes(text);
        context.Response.StatusCode = status;
        foreach (var (name, value) in headers)
        {
            context.Response.Headers[name] = value;
        }

        if (status != 204)
        {
            context.Response.ContentType = "application/json";
            context.Response.ContentLength64 = bytes.Length;
            context.Response.OutputStream.Write(bytes);
        }

        context.Response.Close();
    }

    private string Error(string message) => new JsonObject { ["message"] = message + (EchoInErrors is null ? "" : " (" + EchoInErrors + ")") }.ToJsonString();

    private (int, string) Route(string method, string path, System.Collections.Specialized.NameValueCollection query, string body)
    {
        var repoPath = $"{_prefix}/repos/{Repository}/";
        if (!path.StartsWith(repoPath, StringComparison.Ordinal))
        {
            return (404, Error("Not Found"));
        }

        var parts = path[repoPath.Length..].Split('/');
        var input = body.Length > 0 ? JsonNode.Parse(body) : null;
        switch (method, parts)
        {
            case ("GET", ["issues"]):
            {
                var labels = (query["labels"] ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries);
                var page = int.Parse(query["page"] ?? "1", CultureInfo.InvariantCulture);
                var perPage = int.Parse(query["per_page"] ?? "30", CultureInfo.InvariantCulture);
                var list = Issues.Values.Where(i => i.State == "open" && labels.All(l => i.Labels.Contains(l))).OrderByDescending(i => i.Number)
                    .Skip((page - 1) * perPage).Take(perPage).Select(IssueJson);
                return (200, new JsonArray([.. list]).ToJsonString());
            }
            case ("GET", ["issues", var n]) when Issues.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var issue):
                return (200, IssueJson(issue).ToJsonString());
            case ("PATCH", ["issues", var n]) when Issues.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var issue):
                issue.State = input!["state"]?.GetValue<string>() ?? issue.State;
                return (200, IssueJson(issue).ToJsonString());
            case ("POST", ["issues", var n, "labels"]) when Issues.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var issue):
                foreach (var l in input!["labels"]!.AsArray())
                {
                    if (!issue.Labels.Contains(l!.GetValue<string>()))
                    {
                        issue.Labels.Add(l.GetValue<string>());
                    }
                }

                return (200, new JsonArray([.. issue.Labels.Select(l => (JsonNode)new JsonObject { ["name"] = l })]).ToJsonString());
            case ("DELETE", ["issues", var n, "labels", var label]) when Issues.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var issue):
                return issue.Labels.Remove(Uri.UnescapeDataString(label)) ? (200, "[]") : (404, Error("Label does not exist"));
            case ("GET", ["issues", var n, "comments"]) when Issues.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var issue):
                return (200, new JsonArray([.. issue.Comments.Select(c => (JsonNode)new JsonObject { ["body"] = c })]).ToJsonString());
            case ("POST", ["issues", var n, "comments"]) when Issues.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var issue):
                issue.Comments.Add(input!["body"]!.GetValue<string>());
                return (201, new JsonObject { ["id"] = issue.Comments.Count, ["body"] = issue.Comments[^1] }.ToJsonString());
            case ("POST", ["pulls"]):
            {
                var head = input!["head"]!.GetValue<string>();
                if (Pulls.Values.Any(p => p.Head == head && p.State == "open"))
                {
                    return (422, Error($"A pull request already exists for {Repository.Split('/')[0]}:{head}."));
                }

                if (input["base"]!.GetValue<string>() == "no-such-branch")
                {
                    return (422, Error("Validation Failed: base is invalid"));
                }

                var pull = new FakePull(_next++, head, input["base"]!.GetValue<string>(), input["title"]!.GetValue<string>(), input["body"]!.GetValue<string>());
                Pulls[pull.Number] = pull;
                return (201, PullJson(pull).ToJsonString());
            }
            case ("GET", ["pulls"]):
            {
                var head = query["head"];
                var list = Pulls.Values.Where(p => p.State == (query["state"] ?? "open") && (head is null || head == $"{Repository.Split('/')[0]}:{p.Head}")).Select(PullJson);
                return (200, new JsonArray([.. list]).ToJsonString());
            }
            case ("GET", ["pulls", var n]) when Pulls.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var pull):
                return (200, PullJson(pull).ToJsonString());
            case ("GET", ["pulls", var n, "reviews"]) when Pulls.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var pull):
                return (200, new JsonArray([.. pull.Reviews.Select((r, i) => (JsonNode)new JsonObject
                {
                    ["id"] = pull.Number * 1000 + i + 1,
                    ["state"] = r.State,
                    ["user"] = new JsonObject { ["login"] = r.User },
                    ["body"] = pull.ReviewBodies.GetValueOrDefault(i, ""),
                    ["commit_id"] = pull.ReviewCommits.GetValueOrDefault(i),
                })]).ToJsonString());
            case ("GET", ["pulls", var n, "comments"]) when Pulls.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var pull):
                return (200, new JsonArray([.. pull.LineComments.Select(c => (JsonNode)new JsonObject
                {
                    ["pull_request_review_id"] = pull.Number * 1000 + c.Review + 1,
                    ["path"] = c.Path,
                    ["line"] = c.Line,
                    ["body"] = c.Body,
                })]).ToJsonString());
            case ("GET", ["pulls", var n, "merge"]) when Pulls.TryGetValue(int.Parse(n, CultureInfo.InvariantCulture), out var pull):
                return pull.Merged ? (204, "") : (404, Error("Not Found"));
            default:
                return (404, Error("Not Found"));
        }
    }

    private JsonNode IssueJson(FakeIssue i)
    {
        var o = new JsonObject
        {
            ["number"] = i.Number,
            ["title"] = i.Title,
            ["body"] = i.Body,
            ["state"] = i.State,
            ["html_url"] = $"https://github.example/{Repository}/issues/{i.Number}",
            ["labels"] = new JsonArray([.. i.Labels.Select(l => (JsonNode)new JsonObject { ["name"] = l, ["color"] = "ededed" })]),
            ["user"] = new JsonObject { ["login"] = "someone" },
        };
        if (i.IsPull)
        {
            o["pull_request"] = new JsonObject { ["url"] = $"{ApiUrl}/repos/{Repository}/pulls/{i.Number}" };
        }

        return o;
    }

    private JsonObject PullJson(FakePull p) => new()
    {
        ["number"] = p.Number,
        ["html_url"] = $"https://github.example/{Repository}/pull/{p.Number}",
        ["state"] = p.State,
        ["merged"] = p.Merged,
        ["merge_commit_sha"] = p.Merged ? "abc123def456" : null,
        ["title"] = p.Title,
        ["head"] = new JsonObject { ["ref"] = p.Head },
        ["base"] = new JsonObject { ["ref"] = p.Base },
    };

    public void Dispose()
    {
        _released.Set();
        _listener.Stop();
        _listener.Close();
    }
}
