using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Baton.IntegrationTests.Support;

/// <summary>
/// A real PostgreSQL server of its own for one test class (xunit class fixture): a cluster made by
/// initdb in a temp folder, started by pg_ctl on a free port of 127.0.0.1 with no Unix socket, and
/// stopped by its own postmaster pid on dispose. Each test takes a database of its own with
/// <see cref="CreateDatabase"/>. As root, the server runs as an unprivileged user (initdb refuses
/// root): <c>BATON_PG_USER</c>, default <c>nobody</c>.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string User = "baton";

    private static readonly TimeSpan ToolTimeout = TimeSpan.FromSeconds(60);
    private readonly string _bin;
    private readonly string[] _asUser;
    private int _databases;

    public PostgresServer()
    {
        _bin = FindBinaries();
        _asUser = Environment.UserName == "root"
            ? ["runuser", "-u", Environment.GetEnvironmentVariable("BATON_PG_USER") ?? "nobody", "--"]
            : [];
        Dir = Path.Combine(Path.GetTempPath(), "baton-pg-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(Dir);
        // The server's user makes its data folder inside this one and reads the password file.
        File.SetUnixFileMode(Dir, (UnixFileMode)0b111_111_111);
        Password = "pw-" + Guid.NewGuid().ToString("N")[..16];
        var pwfile = Path.Combine(Dir, "pwfile");
        File.WriteAllText(pwfile, Password + "\n");
        File.SetUnixFileMode(pwfile, (UnixFileMode)0b110_100_100);
        try
        {
            Tool("initdb", "-D", DataDir, "-U", User, "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--no-sync", "--no-instructions");
            File.Delete(pwfile);
            Start();
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    /// <summary>The temp folder holding the cluster and its log.</summary>
    public string Dir { get; }

    public string DataDir => Path.Combine(Dir, "data");

    public string Host => "127.0.0.1";

    public int Port { get; private set; }

    /// <summary>The superuser's password (never in a URL a test saves: given through the environment).</summary>
    public string Password { get; }

    /// <summary>The postmaster's pid, from its pid file.</summary>
    public int Pid { get; private set; }

    /// <summary>A new, empty database for one test; its URL has no password.</summary>
    public PostgresDatabase CreateDatabase()
    {
        var name = $"t{Interlocked.Increment(ref _databases)}_{Guid.NewGuid().ToString("N")[..8]}";
        using (var c = new NpgsqlConnection(ConnectionString("postgres")))
        {
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = $"CREATE DATABASE {name}";
            cmd.ExecuteNonQuery();
        }

        return new PostgresDatabase(name, $"postgres://{User}@{Host}:{Port.ToString(CultureInfo.InvariantCulture)}/{name}", ConnectionString(name), Password);
    }

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = User,
        Password = Password,
        Database = database,
        Pooling = false,
    }.ConnectionString;

    private void Start()
    {
        // A free port can be taken between the probe and the bind: try a few.
        for (var attempt = 1; ; attempt++)
        {
            Port = FreePort();
            try
            {
                Tool("pg_ctl", "-D", DataDir, "-l", Path.Combine(Dir, "server.log"), "-w", "-t", "30", "-o",
                    $"-c listen_addresses=127.0.0.1 -p {Port} -c unix_socket_directories='' -c fsync=off -c max_connections=100", "start");
                Pid = int.Parse(File.ReadLines(Path.Combine(DataDir, "postmaster.pid")).First(), CultureInfo.InvariantCulture);
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
            }
        }
    }

    public void Dispose()
    {
        if (Pid > 0)
        {
            // Immediate: the data is thrown away. pg_ctl signals the pid in this cluster's pid file.
            try
            {
                Tool("pg_ctl", "-D", DataDir, "-m", "immediate", "-w", "-t", "30", "stop");
            }
            catch (InvalidOperationException)
            {
            }

            try
            {
                using var postmaster = Process.GetProcessById(Pid);
                postmaster.Kill(entireProcessTree: true);
                postmaster.WaitForExit(10_000);
            }
            catch (ArgumentException)
            {
                // Already gone: the ordinary case.
            }
            catch (InvalidOperationException)
            {
            }

            Pid = 0;
        }

        try
        {
            Directory.Delete(Dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Tool(string name, params string[] args)
    {
        var file = Path.Combine(_bin, name);
        var all = _asUser.Length > 0 ? [.. _asUser[1..], file, .. args] : args;
        var result = TestRepo.Run(_asUser.Length > 0 ? _asUser[0] : file, all, Path.GetTempPath(), null, new Dictionary<string, string>(), ToolTimeout);
        if (result.ExitCode != 0)
        {
            var log = Path.Combine(Dir, "server.log");
            throw new InvalidOperationException($"{name} failed ({result.ExitCode}): {result.Stderr}{result.Stdout}"
                + (File.Exists(log) ? "\nserver log:\n" + File.ReadAllText(log) : ""));
        }
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }

    /// <summary>
    /// BATON_PG_BIN, else the newest /usr/lib/postgresql/N/bin (Debian's postgresql package), else
    /// initdb on the PATH.
    /// </summary>
    private static string FindBinaries()
    {
        if (Environment.GetEnvironmentVariable("BATON_PG_BIN") is { Length: > 0 } dir)
        {
            return dir;
        }

        var debian = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => (Dir: Path.Combine(d, "bin"), Version: int.TryParse(Path.GetFileName(d), out var v) ? v : 0))
                .Where(d => File.Exists(Path.Combine(d.Dir, "initdb")))
                .OrderByDescending(d => d.Version)
                .Select(d => d.Dir)
                .FirstOrDefault()
            : null;
        if (debian is not null)
        {
            return debian;
        }

        foreach (var p in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(p, "initdb")) && File.Exists(Path.Combine(p, "pg_ctl")))
            {
                return p;
            }
        }

        throw new InvalidOperationException("PostgreSQL's initdb and pg_ctl were not found: install Debian's postgresql package (scripts/test.sh does) or set BATON_PG_BIN");
    }
}
