using System.Text.Json;
using System.Text.Json.Serialization;

namespace Baton.Cli.Rendering;

public sealed record PullRequestJson(string? Ticket, int? Number, string? Url, string Branch, string Target, string Status, DateTimeOffset UpdatedAt);

public sealed record PrOpenJson(bool Opened, PullRequestJson PullRequest);

public sealed record ImportedIssueJson(int Issue, string Title, string Result, string? Ticket, string? Why);

public sealed record GitHubImportJson(string Repository, int Created, int Skipped, IReadOnlyList<ImportedIssueJson> Issues, IReadOnlyList<string> Notes);

public sealed record GitHubSyncJson(string Repository, IReadOnlyList<string> Changes);

/// <summary>JSON of `baton pr` and `baton github` (a context of its own beside <see cref="CliJsonContext"/>).</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(PrOpenJson))]
[JsonSerializable(typeof(List<PullRequestJson>))]
[JsonSerializable(typeof(GitHubImportJson))]
[JsonSerializable(typeof(GitHubSyncJson))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext
{
}

/// <summary>Readable text like <see cref="CliJson.Readable"/>; a class of its own so it initialises after <c>GitHubJsonContext.Default</c>.</summary>
internal static class GitHubCliJson
{
    public static readonly GitHubJsonContext Readable = new(new JsonSerializerOptions(GitHubJsonContext.Default.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    });
}
