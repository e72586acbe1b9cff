using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Baton.IntegrationTests.Support;

/// <summary>
/// A small SMTP server on 127.0.0.1 owned by the tests: EHLO, STARTTLS with a self-signed
/// certificate it makes (<see cref="CertificateFile"/> is its public part, for the client to
/// trust), AUTH PLAIN and LOGIN against one user, MAIL/RCPT/DATA. It can refuse a recipient, and
/// it refuses MAIL before authentication when a user is set. Every accepted message is kept.
/// </summary>
public sealed class SmtpReceiver : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly X509Certificate2 _certificate;
    private readonly Thread _thread;
    private readonly object _gate = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("baton-smtp-").FullName;

    public SmtpReceiver(string? user = null, string? password = null, bool offerStartTls = true, string? refuseRecipient = null)
    {
        User = user;
        Password = password;
        OfferStartTls = offerStartTls;
        RefuseRecipient = refuseRecipient;
        using var key = RSA.Create(2048);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var san = new SubjectAlternativeNameBuilder();
        san.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(san.Build());
        using var made = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(1));
        _certificate = X509CertificateLoader.LoadPkcs12(made.Export(X509ContentType.Pfx), null);
        CertificateFile = Path.Combine(_dir, "smtp.crt");
        File.WriteAllText(CertificateFile, made.ExportCertificatePem());
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _thread = new Thread(Serve) { IsBackground = true };
        _thread.Start();
    }

    public int Port { get; }
    public string CertificateFile { get; }
    public string? User { get; }
    public string? Password { get; }
    public bool OfferStartTls { get; }
    public string? RefuseRecipient { get; }

    public List<(string From, List<string> To, string Data, bool Tls, string? AuthenticatedAs)> Messages { get; } = [];

    public List<string> Transcript { get; } = [];

    private void Serve()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = _listener.AcceptTcpClient();
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            _ = Task.Run(() => Session(client));
        }
    }

    private void Session(TcpClient client)
    {
        using var _ = client;
        Stream stream = client.GetStream();
        var tls = false;
        string? authed = null;
        string? from = null;
        var to = new List<string>();
        var reader = new StreamReader(stream, Encoding.UTF8, false, 1, leaveOpen: true);
        void Say(string line)
        {
            var bytes = Encoding.UTF8.GetBytes(line + "\r\n");
            stream.Write(bytes);
            stream.Flush();
        }

        try
        {
            Say("220 127.0.0.1 test SMTP ready");
            while (reader.ReadLine() is { } line)
            {
                lock (_gate)
                {
                    Transcript.Add(line);
                }

                var verb = line.Split(' ', 2)[0].ToUpperInvariant();
                switch (verb)
                {
                    case "EHLO":
                        Say("250-127.0.0.1");
                        if (OfferStartTls && !tls)
                        {
                            Say("250-STARTTLS");
                        }

                        Say(User is not null && (tls || !OfferStartTls) ? "250 AUTH PLAIN LOGIN" : "250 8BITMIME");
                        break;
                    case "STARTTLS":
                        Say("220 go ahead");
                        var ssl = new SslStream(stream);
                        ssl.AuthenticateAsServer(_certificate);
                        stream = ssl;
                        reader = new StreamReader(stream, Encoding.UTF8, false, 1, leaveOpen: true);
                        tls = true;
                        break;
                    case "AUTH":
                        var parts = line.Split(' ');
                        string? user = null, pass = null;
                        if (parts.Length >= 3 && parts[1].Equals("PLAIN", StringComparison.OrdinalIgnoreCase))
                        {
                            var fields = Encoding.UTF8.GetString(Convert.FromBase64String(parts[2])).Split('\0');
                            (user, pass) = (fields[1], fields[2]);
                        }
                        else if (parts.Length >= 2 && parts[1].Equals("LOGIN", StringComparison.OrdinalIgnoreCase))
                        {
                            Say("334 VXNlcm5hbWU6");
                            user = Encoding.UTF8.GetString(Convert.FromBase64String(reader.ReadLine() ?? ""));
                            Say("334 UGFzc3dvcmQ6");
                            pass = Encoding.UTF8.GetString(Convert.FromBase64String(reader.ReadLine() ?? ""));
                        }

                        if (user == User && pass == Password)
                        {
                            authed = user;
                            Say("235 2.7.0 authenticated");
                        }
                        else
                        {
                            Say("535 5.7.8 authentication credentials invalid");
                        }

                        break;
                    case "MAIL":
                        if (User is not null && authed is null)
                        {
                            Say("530 5.7.0 authentication required");
                            break;
                        }

                        from = Between(line);
                        Say("250 ok");
                        break;
                    case "RCPT":
                        var rcpt = Between(line);
                        if (rcpt == RefuseRecipient)
                        {
                            Say("550 5.1.1 no such user here");
                            break;
                        }

                        to.Add(rcpt);
                        Say("250 ok");
                        break;
                    case "DATA":
                        Say("354 end with .");
                        var data = new StringBuilder();
                        while (reader.ReadLine() is { } d && d != ".")
                        {
                            data.Append(d.StartsWith("..", StringComparison.Ordinal) ? d[1..] : d).Append('\n');
                        }

                        lock (_gate)
                        {
                            Messages.Add((from ?? "", [.. to], data.ToString(), tls, authed));
                        }

                        Say("250 queued");
                        break;
                    case "QUIT":
                        Say("221 bye");
                        return;
                    default:
                        Say("502 not implemented");
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            // The client went away.
        }
    }

    private static string Between(string line)
    {
        var start = line.IndexOf('<', StringComparison.Ordinal);
        var end = line.IndexOf('>', StringComparison.Ordinal);
        return start >= 0 && end > start ? line[(start + 1)..end] : "";
    }

    public void Dispose()
    {
        _listener.Stop();
        _thread.Join(TimeSpan.FromSeconds(5));
        _certificate.Dispose();
        Directory.Delete(_dir, true);
    }
}
