using System.Text.RegularExpressions;
using Baton.Core.Config;
using Baton.Core.GitHub;
using YamlDotNet.RepresentationModel;

namespace Baton.Infrastructure.Config;

/// <summary>The <c>github:</c> section of config.yaml, each value checked with its file and line.</summary>
internal static partial class GitHubConfigLoader
{
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9 _.:/-]{0,49}$")]
    private static partial Regex LabelPattern();

    [GeneratedRegex(@"^[A-Za-z0-9_.-]{1,100}$")]
    private static partial Regex RemotePattern();

    public static GitHubConfig Parse(YamlDocument doc, YamlMappingNode map)
    {
        doc.AllowOnly(map, "api_url", "repository", "remote", "poll_interval", "in_progress_label", "blocked_label", "poll", "import_labels", "exclude_labels", "close_issues");
        var d = new GitHubConfig();
        var api = doc.String(map, "api_url");
        if (!string.IsNullOrEmpty(api) && (!Uri.TryCreate(api, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http") || uri.Query.Length > 0))
        {
            throw doc.Error(doc.Node(map, "api_url")!, "'api_url' must be an http(s) URL: https://api.github.com, or https://HOST/api/v3 for GitHub Enterprise");
        }

        var repository = doc.String(map, "repository");
        if (!string.IsNullOrEmpty(repository) && !GitHubRemote.IsRepository(repository))
        {
            throw doc.Error(doc.Node(map, "repository")!, "'repository' must be OWNER/NAME, e.g. acme/widgets");
        }

        var remote = doc.String(map, "remote");
        if (remote is not null && !RemotePattern().IsMatch(remote))
        {
            throw doc.Error(doc.Node(map, "remote")!, "'remote' must be a git remote name, e.g. origin");
        }

        return d with
        {
            ApiUrl = string.IsNullOrEmpty(api) ? null : api.TrimEnd('/'),
            Repository = string.IsNullOrEmpty(repository) ? null : repository,
            Remote = remote ?? d.Remote,
            PollInterval = doc.Duration(map, ConfigSchema.Key("github.poll_interval")) ?? d.PollInterval,
            InProgressLabel = Label(doc, map, "in_progress_label") ?? d.InProgressLabel,
            BlockedLabel = Label(doc, map, "blocked_label") ?? d.BlockedLabel,
            Poll = doc.Bool(map, "poll") ?? d.Poll,
            ImportLabels = Labels(doc, map, "import_labels") ?? d.ImportLabels,
            ExcludeLabels = Labels(doc, map, "exclude_labels") ?? d.ExcludeLabels,
            CloseIssues = doc.Bool(map, "close_issues") ?? d.CloseIssues,
        };
    }

    private static IReadOnlyList<string>? Labels(YamlDocument doc, YamlMappingNode map, string key)
    {
        var labels = doc.List(map, key);
        if (labels?.FirstOrDefault(l => !LabelPattern().IsMatch(l)) is { } bad)
        {
            throw doc.Error(doc.Node(map, key)!, $"'{key}' has '{bad}', which is no GitHub label name (letters, digits, spaces and - _ . : /, at most 50)");
        }

        return labels;
    }

    private static string? Label(YamlDocument doc, YamlMappingNode map, string key)
    {
        var label = doc.String(map, key);
        return label is null || LabelPattern().IsMatch(label)
            ? label
            : throw doc.Error(doc.Node(map, key)!, $"'{key}' must be a GitHub label name (letters, digits, spaces and - _ . : /, at most 50)");
    }
}
