using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Baton.Core;
using Baton.Core.GitHub;
using Baton.Core.Security;

namespace Baton.Infrastructure.GitHub;

/// <summary>
/// GitHub's REST API over HttpClient, for one repository. The token goes only into the
/// Authorization header; every message this class builds passes through a redactor that knows it.
/// </summary>
public sealed class GitHubClient : IGitHub, IDisposable
{
    private const int PageSize = 100;
    private const int MaxPages = 50;
    private readonly HttpClient _http;
    private readonly Redactor _redactor;
    private readonly TimeProvider _time;
    private readonly string _repoPath;

    public GitHubClient(string apiUrl, string repository, string token, Redactor redactor, TimeProvider time, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(apiUrl);
        ArgumentNullException.ThrowIfNull(redactor);
        Repository = repository;
        ApiUrl = apiUrl.TrimEnd('/');
        _redactor = redactor.With(token);
        _time = time;
        _repoPath = "repos/" + string.Join('/', repository.Split('/').Select(Uri.EscapeDataString)) + "/";
        _http = handler is null ? new HttpClient() : new HttpClient(handler);
        _http.BaseAddress = new Uri(ApiUrl + "/");
        _http.Timeout = TimeSpan.FromSeconds(30);
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        _http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/vnd.github+json"));
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("baton", "0.1"));
        _http.DefaultRequestHeaders.Add("X-GitHub-Api-Version", "2022-11-28");
    }

    public string Repository { get; }

    public string ApiUrl { get; }

    public async Task<IReadOnlyList<GitHubIssue>> OpenIssuesAsync(IReadOnlyList<string> labels, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var result = new List<GitHubIssue>();
        var filter = labels.Count == 0 ? "" : "&labels=" + string.Join(',', labels.Select(Uri.EscapeDataString));
        for (var page = 1; page <= MaxPages; page++)
        {
            var items = await GetAsync($"issues?state=open&per_page={PageSize}&page={page}{filter}", GitHubJsonContext.Default.ListIssueDto, ct).ConfigureAwait(false);
            result.AddRange(items.Where(i => i.PullRequest is null).Select(Issue));
            if (items.Count < PageSize)
            {
                break;
            }
        }

        return result;
    }

    public async Task<GitHubIssue?> IssueAsync(int number, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"issues/{number}", null, ct, allowNotFound: true).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var dto = await ReadAsync(response, GitHubJsonContext.Default.IssueDto, ct).ConfigureAwait(false);
        return dto.PullRequest is null ? Issue(dto) : null;
    }

    public async Task CloseIssueAsync(int issue, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new IssueStateDto("closed", "completed"), GitHubJsonContext.Default.IssueStateDto);
        using var _ = await SendAsync(HttpMethod.Patch, $"issues/{issue}", body, ct).ConfigureAwait(false);
    }

    private static GitHubIssue Issue(IssueDto i) =>
        new(i.Number, i.Title ?? "", i.Body ?? "", (i.Labels ?? []).Select(l => l.Name ?? "").Where(n => n.Length > 0).ToList(), i.HtmlUrl ?? "", i.State ?? "open");

    public async Task AddLabelsAsync(int issue, IReadOnlyList<string> labels, CancellationToken ct)
    {
        var body = JsonSerializer.Serialize(new LabelsDto([.. labels]), GitHubJsonContext.Default.LabelsDto);
        using var _ = await SendAsync(HttpMethod.Post, $"issues/{issue}/labels", body, ct).ConfigureAwait(false);
    }

    public async Task RemoveLabelAsync(int issue, string label, CancellationToken ct)
    {
        using var _ = await SendAsync(HttpMethod.Delete, $"issues/{issue}/labels/{Uri.EscapeDataString(label)}", null, ct, allowNotFound: true).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<string>> CommentsAsync(int issue, CancellationToken ct)
    {
        var result = new List<string>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var items = await GetAsync($"issues/{issue}/comments?per_page={PageSize}&page={page}", GitHubJsonContext.Default.ListCommentDto, ct).ConfigureAwait(false);
            result.AddRange(items.Select(c => c.Body ?? ""));
            if (items.Count < PageSize)
            {
                break;
            }
        }

        return result;
    }

    public async Task CommentAsync(int issue, string body, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new NewCommentDto(body), GitHubJsonContext.Default.NewCommentDto);
        using var _ = await SendAsync(HttpMethod.Post, $"issues/{issue}/comments", json, ct).ConfigureAwait(false);
    }

    public async Task<GitHubPullRequest> CreatePullRequestAsync(string head, string baseBranch, string title, string body, CancellationToken ct)
    {
        var json = JsonSerializer.Serialize(new NewPullDto(title, head, baseBranch, body), GitHubJsonContext.Default.NewPullDto);
        using var response = await SendAsync(HttpMethod.Post, "pulls", json, ct).ConfigureAwait(false);
        return Pull(await ReadAsync(response, GitHubJsonContext.Default.PullDto, ct).ConfigureAwait(false));
    }

    public async Task<GitHubPullRequest?> FindOpenPullRequestAsync(string head, CancellationToken ct)
    {
        var owner = Repository.Split('/')[0];
        var items = await GetAsync($"pulls?state=open&head={Uri.EscapeDataString(owner + ":" + head)}", GitHubJsonContext.Default.ListPullDto, ct).ConfigureAwait(false);
        return items.Count == 0 ? null : Pull(items[0]);
    }

    public async Task<GitHubPullRequest> PullRequestAsync(int number, CancellationToken ct) =>
        Pull(await GetAsync($"pulls/{number}", GitHubJsonContext.Default.PullDto, ct).ConfigureAwait(false));

    public async Task<IReadOnlyList<GitHubReview>> ReviewsAsync(int number, CancellationToken ct)
    {
        var result = new List<GitHubReview>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var items = await GetAsync($"pulls/{number}/reviews?per_page={PageSize}&page={page}", GitHubJsonContext.Default.ListReviewDto, ct).ConfigureAwait(false);
            result.AddRange(items.Select(r => new GitHubReview(r.Id, r.User?.Login ?? "", r.State ?? "", r.Body ?? "", r.CommitId)));
            if (items.Count < PageSize)
            {
                break;
            }
        }

        return result;
    }

    public async Task<IReadOnlyList<GitHubReviewComment>> ReviewCommentsAsync(int number, CancellationToken ct)
    {
        var result = new List<GitHubReviewComment>();
        for (var page = 1; page <= MaxPages; page++)
        {
            var items = await GetAsync($"pulls/{number}/comments?per_page={PageSize}&page={page}", GitHubJsonContext.Default.ListReviewCommentDto, ct).ConfigureAwait(false);
            result.AddRange(items.Select(c => new GitHubReviewComment(c.PullRequestReviewId, c.Path ?? "", c.Line ?? c.OriginalLine, c.Body ?? "")));
            if (items.Count < PageSize)
            {
                break;
            }
        }

        return result;
    }

    public async Task<bool> IsMergedAsync(int number, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, $"pulls/{number}/merge", null, ct, allowNotFound: true).ConfigureAwait(false);
        return response.StatusCode == HttpStatusCode.NoContent;
    }

    private static GitHubPullRequest Pull(PullDto p) => new(p.Number, p.HtmlUrl ?? "", p.State ?? "open", p.Merged ?? false, p.MergeCommitSha);

    private async Task<T> GetAsync<T>(string path, JsonTypeInfo<T> info, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, path, null, ct).ConfigureAwait(false);
        return await ReadAsync(response, info, ct).ConfigureAwait(false);
    }

    private async Task<T> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T> info, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            return JsonSerializer.Deserialize(text, info) ?? throw new JsonException("empty");
        }
        catch (JsonException e)
        {
            throw new BatonException(_redactor.Redact($"GitHub ({ApiUrl}) answered {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.AbsolutePath} with something that is not the JSON expected ({e.Message}): is github.api_url right?"));
        }
    }

    /// <summary>Sends one request, retrying what <see cref="GitHubRetry"/> says; returns a successful response (or a 404 when allowed).</summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? json, CancellationToken ct, bool allowNotFound = false)
    {
        var what = $"{method} {_repoPath}{path.Split('?')[0]}";
        for (var attempt = 1; ; attempt++)
        {
            using var request = new HttpRequestMessage(method, _repoPath + path);
            if (json is not null)
            {
                request.Content = new StringContent(json, Encoding.UTF8, "application/json");
            }

            HttpResponseMessage? response = null;
            string? failure = null;
            try
            {
                response = await _http.SendAsync(request, ct).ConfigureAwait(false);
            }
            catch (HttpRequestException e)
            {
                failure = e.Message;
            }
            catch (TaskCanceledException e) when (!ct.IsCancellationRequested)
            {
                failure = "no answer in " + _http.Timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture) + " s: " + e.Message;
            }

            if (response is { IsSuccessStatusCode: true } || response?.StatusCode == HttpStatusCode.NotFound && allowNotFound)
            {
                return response;
            }

            var status = response?.StatusCode;
            var retryAfter = Header(response, "Retry-After");
            var remaining = Header(response, "X-RateLimit-Remaining");
            var reset = Header(response, "X-RateLimit-Reset");
            var message = response is null ? failure! : await Message(response, ct).ConfigureAwait(false);
            response?.Dispose();
            if (GitHubRetry.Delay(attempt, status, retryAfter, remaining, reset, _time.GetUtcNow()) is { } wait)
            {
                await Task.Delay(wait, _time, ct).ConfigureAwait(false);
                continue;
            }

            var refused = Failure(what, status, message, attempt, remaining == "0" ? reset : null);
            if (status == HttpStatusCode.TooManyRequests || status == HttpStatusCode.Forbidden && GitHubRetry.IsRetryable(status, retryAfter, remaining))
            {
                // Told apart so that `baton up` holds every call until the reset instead of asking again each tick.
                throw new GitHubRateLimitException(refused.Message, Until(retryAfter, remaining == "0" ? reset : null));
            }

            throw refused;
        }
    }

    private BatonException Failure(string what, HttpStatusCode? status, string message, int attempts, string? reset)
    {
        var code = status is { } s ? ((int)s).ToString(CultureInfo.InvariantCulture) : "no response";
        var text = status switch
        {
            HttpStatusCode.Unauthorized => $"GitHub ({ApiUrl}) refused the token ({code} {message}) for {what}: set a valid GITHUB_TOKEN (or GH_TOKEN, or run `gh auth login`)",
            HttpStatusCode.NotFound => $"GitHub ({ApiUrl}) found nothing at {what} ({code} {message}): check github.repository ({Repository}) in .baton/config.yaml and that the token can read that repository",
            HttpStatusCode.Forbidden when reset is not null && long.TryParse(reset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r) =>
                $"GitHub's rate limit is used up for {what} until {DateTimeOffset.FromUnixTimeSeconds(r):u}: try again then",
            HttpStatusCode.Forbidden => $"GitHub ({ApiUrl}) refused {what} ({code} {message}): the token lacks the permission (issues and pull requests: read and write)",
            HttpStatusCode.UnprocessableEntity => $"GitHub ({ApiUrl}) rejected {what} ({code}): {message}",
            _ => $"GitHub ({ApiUrl}) failed {what} after {attempts} {(attempts == 1 ? "try" : "tries")} ({code}): {message}",
        };
        return new BatonException(_redactor.Redact(text));
    }

    private static async Task<string> Message(HttpResponseMessage response, CancellationToken ct)
    {
        var text = await response.Content.ReadAsStringAsync(ct).ConfigureAwait(false);
        try
        {
            if (JsonSerializer.Deserialize(text, GitHubJsonContext.Default.ErrorDto)?.Message is { Length: > 0 } m)
            {
                return m;
            }
        }
        catch (JsonException)
        {
            // Not GitHub's error shape (a proxy's page): its start says enough.
        }

        text = text.Trim();
        return text.Length > 200 ? text[..200] + "..." : text.Length > 0 ? text : response.ReasonPhrase ?? "";
    }

    private DateTimeOffset? Until(string? retryAfter, string? reset)
    {
        if (long.TryParse(reset, NumberStyles.Integer, CultureInfo.InvariantCulture, out var r))
        {
            return DateTimeOffset.FromUnixTimeSeconds(r);
        }

        return int.TryParse(retryAfter?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0
            ? _time.GetUtcNow() + TimeSpan.FromSeconds(seconds)
            : null;
    }

    private static string? Header(HttpResponseMessage? response, string name) =>
        response is not null && response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null;

    public void Dispose() => _http.Dispose();
}
