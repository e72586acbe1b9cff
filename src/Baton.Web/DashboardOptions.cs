using System.Net;

namespace Baton.Web;

/// <summary>How `baton dashboard` listens. <see cref="Port"/> 0 takes a free port (the URL printed says which).</summary>
public sealed record DashboardOptions
{
    /// <summary>The port when none is given (`baton dashboard`, `baton up --dashboard`).</summary>
    public const int DefaultPort = 7777;

    public int Port { get; init; } = DefaultPort;

    public IPAddress Bind { get; init; } = IPAddress.Loopback;

    /// <summary>PEM certificate and key: the page is served over TLS.</summary>
    public string? CertificateFile { get; init; }

    public string? KeyFile { get; init; }

    /// <summary>Plain HTTP on a non-loopback address, asked for explicitly.</summary>
    public bool Insecure { get; init; }

    /// <summary>How often the shared poller asks the store whether anything changed.</summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often the workers are observed while pages are open and no autopilot runs (<see cref="WorkerWatch"/>).</summary>
    public TimeSpan ObserveInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Comment lines on an idle stream, so proxies and browsers keep it open.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(15);

    public bool Tls => CertificateFile is not null;

    /// <summary>Refuses, saying why, a listening address the user did not make safe.</summary>
    public void Validate()
    {
        if (Port is < 0 or > 65535)
        {
            throw Baton.Core.BatonException.Usage($"--port must be between 0 and 65535, not {Port}");
        }

        if ((CertificateFile is null) != (KeyFile is null))
        {
            throw Baton.Core.BatonException.Usage("--cert and --key go together: give both PEM files, or neither");
        }

        if (!IPAddress.IsLoopback(Bind) && !Tls && !Insecure)
        {
            throw Baton.Core.BatonException.Usage(
                $"refusing to serve the dashboard on {Bind} without TLS: anyone on that network could read the token; give --cert and --key, or --insecure if you really mean it");
        }
    }
}
