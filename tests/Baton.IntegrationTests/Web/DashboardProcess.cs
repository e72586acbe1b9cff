using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;
using Baton.IntegrationTests.Support;

namespace Baton.IntegrationTests.Web;

/// <summary>
/// `baton dashboard --port 0` running as a real process in a test repository, with the URL it
/// printed and HTTP clients that show the token. Disposing kills that process (by its own pid).
/// </summary>
public sealed class DashboardProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stderr;

    private DashboardProcess(Process process, Uri url, List<string> stderr)
    {
        _process = process;
        _stderr = stderr;
        Url = url;
        Base = new Uri(url.GetLeftPart(UriPartial.Authority) + "/");
        Token = System.Web.HttpUtility.ParseQueryString(url.Query)["token"]!;
        Anonymous = new HttpClient { BaseAddress = Base, Timeout = TimeSpan.FromSeconds(60) };
        Client = new HttpClient { BaseAddress = Base, Timeout = TimeSpan.FromSeconds(60) };
        Client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
    }

    /// <summary>The URL it printed, token included.</summary>
    public Uri Url { get; }

    public Uri Base { get; }

    public string Token { get; }

    /// <summary>The process's id (for its CPU time in /proc).</summary>
    public int Pid => _process.Id;

    /// <summary>What it wrote to standard error so far (for a failing test's message).</summary>
    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>No token at all.</summary>
    public HttpClient Anonymous { get; }

    /// <summary>Sends the token as a Bearer header.</summary>
    public HttpClient Client { get; }

    public static DashboardProcess Start(TestRepo repo, params string[] extra) => Start(repo, new Dictionary<string, string>(), extra);

    /// <summary>Starts it with <paramref name="env"/> added to its environment.</summary>
    public static DashboardProcess Start(TestRepo repo, IReadOnlyDictionary<string, string> env, params string[] extra) =>
        Launch(repo, env, ["dashboard", "--port", "0", .. extra]);

    /// <summary>Runs `baton ARGS` (any command that serves the page, such as `up --dashboard`) and waits for the URL it prints.</summary>
    public static DashboardProcess Launch(TestRepo repo, IReadOnlyDictionary<string, string> env, IReadOnlyList<string> args)
    {
        var bin = RepoPaths.Baton;
        var info = Info(repo, [.. bin.Skip(1), .. args]);
        foreach (var (name, value) in env)
        {
            info.Environment[name] = value;
        }

        var process = Process.Start(info)!;
        var url = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var errors = new List<string>();
        new Thread(() =>
        {
            while (process.StandardOutput.ReadLine() is { } line)
            {
                if (line.StartsWith("Dashboard: ", StringComparison.Ordinal))
                {
                    url.TrySetResult(new Uri(line["Dashboard: ".Length..]));
                }
            }

            url.TrySetException(new InvalidOperationException("baton dashboard ended without printing its URL: " + string.Join('\n', errors)));
        }) { IsBackground = true }.Start();
        new Thread(() =>
        {
            while (process.StandardError.ReadLine() is { } line)
            {
                lock (errors)
                {
                    errors.Add(line);
                }
            }
        }) { IsBackground = true }.Start();

        if (!url.Task.Wait(TimeSpan.FromSeconds(60)))
        {
            process.Kill(entireProcessTree: true);
            throw new Xunit.Sdk.XunitException("baton dashboard printed no URL in 60 s");
        }

        return new DashboardProcess(process, url.Task.Result, errors);
    }

    /// <summary>The process settings TestRepo gives baton: its tmux socket, nothing of the developer's.</summary>
    public static ProcessStartInfo Info(TestRepo repo, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(RepoPaths.Baton[0])
        {
            WorkingDirectory = repo.Dir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        info.Environment.Remove("TMUX");
        info.Environment.Remove("BATON_DB");
        info.Environment.Remove("BATON_WORKER");
        info.Environment["BATON_TMUX_SOCKET"] = repo.Socket;
        info.Environment["NO_COLOR"] = "1";
        return info;
    }

    /// <summary>The CSRF value the page receives.</summary>
    public async Task<string> CsrfAsync()
    {
        var session = JsonDocument.Parse(await Client.GetStringAsync(new Uri("api/session", UriKind.Relative))).RootElement;
        return session.GetProperty("csrf").GetString()!;
    }

    /// <summary>A POST with the token and (unless <paramref name="csrf"/> is null) the CSRF header.</summary>
    public async Task<HttpResponseMessage> PostAsync(string path, string? json, string? csrf)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative));
        if (json is not null)
        {
            request.Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        }

        if (csrf is not null)
        {
            request.Headers.Add("X-Baton-CSRF", csrf);
        }

        return await Client.SendAsync(request);
    }

    /// <summary>Asks it to stop (SIGTERM, as `baton down` or systemd do) and waits for its exit code.</summary>
    public int Terminate()
    {
        using (var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            kill.WaitForExit();
        }

        if (!_process.WaitForExit(60_000))
        {
            throw new Xunit.Sdk.XunitException("baton did not stop within 60 s of SIGTERM");
        }

        return _process.ExitCode;
    }

    public void Dispose()
    {
        Anonymous.Dispose();
        Client.Dispose();
        try
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException)
        {
            // It had already ended.
        }

        _process.Dispose();
    }
}
