using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Baton.Core;
using Baton.Core.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Baton.Web;

/// <summary>
/// The dashboard's web server (Kestrel, minimal APIs, the slim builder: no reflection, AOT-safe),
/// listening where <see cref="DashboardOptions"/> says, behind the token and CSRF checks.
/// </summary>
public sealed class DashboardServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EventHub _hub;
    private readonly X509Certificate2? _certificate;
    private readonly WorkerWatch _watch;

    private DashboardServer(WebApplication app, EventHub hub, WorkerWatch watch, X509Certificate2? certificate, Uri address, string token)
    {
        _app = app;
        _hub = hub;
        _watch = watch;
        _certificate = certificate;
        Address = address;
        Url = UrlWithToken(address, token);
    }

    /// <summary>The page's address with the token, as a person opens it.</summary>
    public static Uri UrlWithToken(Uri address, string token) => new(address, "/?token=" + Uri.EscapeDataString(token));

    /// <summary>Where it listens (the real port when 0 was asked for).</summary>
    public Uri Address { get; }

    /// <summary>The address with the token: what a person opens.</summary>
    public Uri Url { get; }

    /// <param name="feed">A store connection for the event poller alone.</param>
    public static async Task<DashboardServer> StartAsync(
        DashboardOptions options, string token, IDashboardBackend backend, IStore feed, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [] });

        // Nothing from the repository's folder or ASPNETCORE_* variables changes where or how it listens.
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        var certificate = options.Tls ? LoadCertificate(options) : null;
        if (certificate is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(options.Bind, options.Port, listen =>
            {
                if (certificate is not null)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        builder.Services.AddSingleton<Microsoft.Extensions.Hosting.IHostLifetime, CommandLifetime>();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, WebJsonContext.Default));

        var app = builder.Build();
        var security = new DashboardSecurity(token, DashboardToken.NewSecret(), certificate is not null);
        app.Use(security.InvokeAsync);
        var hub = new EventHub(feed, time, options.PollInterval);
        var endpoints = new Endpoints(backend, security);
        var streams = new EventStream(hub, backend, time, options.Heartbeat, app.Lifetime.ApplicationStopping);
        endpoints.Map(app, streams);
        var watch = new WorkerWatch(backend, endpoints, streams, time, options.ObserveInterval);
        StaticAssets.Map(app);
        try
        {
            await app.StartAsync(ct).ConfigureAwait(false);
        }
        catch (Exception e) when (InUse(e))
        {
            await app.DisposeAsync().ConfigureAwait(false);
            hub.Dispose();
            certificate?.Dispose();
            throw new BatonException($"port {options.Port} on {options.Bind} is already in use: stop what listens there or choose another with --port");
        }

        hub.Start();
        watch.Start();
        var port = options.Port;
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses;
        if (addresses?.FirstOrDefault() is { } first && Uri.TryCreate(first, UriKind.Absolute, out var bound))
        {
            port = bound.Port;
        }

        var host = options.Bind.AddressFamily == AddressFamily.InterNetworkV6 ? $"[{options.Bind}]" : options.Bind.ToString();
        return new DashboardServer(app, hub, watch, certificate, new Uri($"{(certificate is null ? "http" : "https")}://{host}:{port}/"), token);
    }

    /// <summary>Serves until <paramref name="ct"/> is cancelled (Ctrl-C, SIGTERM), then stops gracefully.</summary>
    public async Task RunUntilAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, ct).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        using var grace = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _app.StopAsync(grace.Token).ConfigureAwait(false);
    }

    private static X509Certificate2 LoadCertificate(DashboardOptions options)
    {
        try
        {
            return X509Certificate2.CreateFromPemFile(options.CertificateFile!, options.KeyFile);
        }
        catch (Exception e) when (e is IOException or System.Security.Cryptography.CryptographicException or UnauthorizedAccessException)
        {
            throw BatonException.Usage($"cannot read the TLS certificate {options.CertificateFile} with the key {options.KeyFile}: {e.Message}");
        }
    }

    private static bool InUse(Exception e)
    {
        for (var x = (Exception?)e; x is not null; x = x.InnerException)
        {
            if (x is Microsoft.AspNetCore.Connections.AddressInUseException
                || x is SocketException { SocketErrorCode: SocketError.AddressAlreadyInUse })
            {
                return true;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _watch.Dispose();
        _hub.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
        _certificate?.Dispose();
    }
}
