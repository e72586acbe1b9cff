namespace Baton.Core.Config;

/// <summary>The <c>github:</c> section of config.yaml.</summary>
public sealed record GitHubConfig
{
    public const string DefaultApiUrl = "https://api.github.com";

    /// <summary>REST API base; null: api.github.com, or https://HOST/api/v3 when the remote is on a GitHub Enterprise host.</summary>
    public string? ApiUrl { get; init; }

    /// <summary><c>owner/name</c>; null: read from the remote's URL.</summary>
    public string? Repository { get; init; }

    /// <summary>The git remote branches are pushed to and the repository is read from.</summary>
    public string Remote { get; init; } = "origin";

    /// <summary>How often `baton up` asks GitHub about open pull requests (and, with <see cref="Poll"/>, for new issues).</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// `baton up` follows GitHub continuously: every <see cref="PollInterval"/> it imports open
    /// issues carrying <see cref="ImportLabels"/> and follows open pull requests (also outside
    /// <c>merge.mode: pull_request</c>), off the loop thread. Off by default: importing from GitHub
    /// unattended is a choice a project makes.
    /// </summary>
    public bool Poll { get; init; }

    /// <summary>With <see cref="Poll"/>: issues carrying every one of these labels are imported; empty: none are.</summary>
    public IReadOnlyList<string> ImportLabels { get; init; } = [];

    /// <summary>With <see cref="Poll"/>: issues carrying any of these labels are left out.</summary>
    public IReadOnlyList<string> ExcludeLabels { get; init; } = [];

    /// <summary>An imported issue is closed (after its closing comment) when its ticket is done.</summary>
    public bool CloseIssues { get; init; }

    /// <summary>Labels put on an imported issue while its ticket is worked on, and when it is blocked or failed.</summary>
    public string InProgressLabel { get; init; } = "claude-in-progress";

    public string BlockedLabel { get; init; } = "claude-blocked";
}
