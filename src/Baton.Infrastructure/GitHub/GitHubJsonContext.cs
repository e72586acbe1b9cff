using System.Text.Json.Serialization;

namespace Baton.Infrastructure.GitHub;

// The fields of GitHub's REST responses Baton reads; everything else is ignored.
internal sealed record IssueDto(int Number, string? Title, string? Body, string? HtmlUrl, List<LabelDto>? Labels, PullRefDto? PullRequest, string? State);

internal sealed record LabelDto(string? Name);

internal sealed record PullRefDto(string? Url);

internal sealed record PullDto(int Number, string? HtmlUrl, string? State, bool? Merged, string? MergeCommitSha);

internal sealed record ReviewDto(long Id, string? State, UserDto? User, string? Body, string? CommitId);

internal sealed record ReviewCommentDto(long? PullRequestReviewId, string? Path, int? Line, int? OriginalLine, string? Body);

internal sealed record IssueStateDto(string State, string StateReason);

internal sealed record UserDto(string? Login);

internal sealed record CommentDto(string? Body);

internal sealed record ErrorDto(string? Message);

internal sealed record NewPullDto(string Title, string Head, string Base, string Body);

internal sealed record LabelsDto(List<string> Labels);

internal sealed record NewCommentDto(string Body);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(List<IssueDto>))]
[JsonSerializable(typeof(IssueDto))]
[JsonSerializable(typeof(List<ReviewCommentDto>))]
[JsonSerializable(typeof(IssueStateDto))]
[JsonSerializable(typeof(PullDto))]
[JsonSerializable(typeof(List<PullDto>))]
[JsonSerializable(typeof(List<ReviewDto>))]
[JsonSerializable(typeof(List<CommentDto>))]
[JsonSerializable(typeof(ErrorDto))]
[JsonSerializable(typeof(NewPullDto))]
[JsonSerializable(typeof(LabelsDto))]
[JsonSerializable(typeof(NewCommentDto))]
internal sealed partial class GitHubJsonContext : JsonSerializerContext
{
}
