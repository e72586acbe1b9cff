using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Git;
using Baton.Core.GitHub;
using Baton.Core.Processes;
using Baton.Core.Security;
using Baton.Core.Workers;

namespace Baton.Infrastructure.GitHub;

/// <summary>
/// Builds the GitHub client a project's config and remote describe: the repository from
/// <c>github.repository</c> or the remote's URL, the API from <c>github.api_url</c> or the remote's
/// host, and the token from GITHUB_TOKEN, GH_TOKEN or `gh auth token`, in that order.
/// </summary>
public static class GitHubConnector
{
    public static GitHubClient Connect(GitHubConfig config, IGit git, string root, IProcessRunner runner, IExecutables executables, Redactor redactor, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(git);
        var url = git.RemoteUrl(root, config.Remote);
        var parsed = url is null ? null : GitHubRemote.Parse(url);
        var repository = config.Repository ?? parsed?.Repository
            ?? throw new BatonException(url is null
                ? $"no GitHub repository for {root}: set github.repository (OWNER/NAME) in .baton/config.yaml, or add a remote '{config.Remote}' on GitHub (git remote add {config.Remote} https://github.com/OWNER/NAME.git)"
                : $"the remote '{config.Remote}' ({url}) is not a GitHub URL: set github.repository (OWNER/NAME) in .baton/config.yaml");
        var apiUrl = config.ApiUrl ?? (parsed is { } p ? GitHubRemote.ApiUrlFor(p.Host) : GitHubConfig.DefaultApiUrl);
        var token = Token(apiUrl, runner, executables);
        return new GitHubClient(apiUrl, repository, token, redactor, time);
    }

    /// <summary>GITHUB_TOKEN, else GH_TOKEN, else what `gh auth token` prints (only when gh is installed).</summary>
    public static string Token(string apiUrl, IProcessRunner runner, IExecutables executables)
    {
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(executables);
        foreach (var name in new[] { "GITHUB_TOKEN", "GH_TOKEN" })
        {
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                return value.Trim();
            }
        }

        if (executables.Resolve("gh") is { } gh)
        {
            var host = Uri.TryCreate(apiUrl, UriKind.Absolute, out var uri) && uri.Host != "api.github.com" ? uri.Host : "github.com";
            var r = runner.Run(new ProcessRequest(gh, ["auth", "token", "--hostname", host]) { Timeout = TimeSpan.FromSeconds(15) });
            if (r.ExitCode == 0 && r.StandardOutput.Trim() is { Length: > 0 } token)
            {
                return token;
            }
        }

        throw new BatonException("no GitHub token: set GITHUB_TOKEN (or GH_TOKEN) to a token that can read and write issues and pull requests, or log in with the GitHub CLI (`gh auth login`)");
    }
}
