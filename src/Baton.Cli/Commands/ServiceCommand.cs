using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Ci;

namespace Baton.Cli.Commands;

/// <summary>`baton service install [--user]`: a systemd unit that keeps `baton up` running for this repository.</summary>
internal static class ServiceCommand
{
    public static Command Create()
    {
        var user = new Option<bool>("--user") { Description = "A user unit (~/.config/systemd/user; systemctl --user) instead of a system one (/etc/systemd/system)" };
        var dir = new Option<string?>("--unit-dir") { Description = "Write the unit into this folder instead" };
        var enable = new Option<bool>("--enable") { Description = "Also run systemctl daemon-reload and enable --now for this repository" };
        var install = new Command("install", "Write baton@.service (a template: one instance per repository) and say how to start it")
        {
            user, dir, enable, CommandRunner.Json,
        };
        CommandRunner.Bind(install, async (parse, host, ct) =>
        {
            var isUser = parse.GetValue(user);
            var home = host.Variables.Get("HOME") ?? throw new BatonException("HOME is not set: give --unit-dir");
            var configHome = host.Variables.Get("XDG_CONFIG_HOME") is { Length: > 0 } x ? x : Path.Combine(home, ".config");
            var folder = parse.GetValue(dir) ?? (isUser ? Path.Combine(configHome, "systemd", "user") : "/etc/systemd/system");
            var environmentFile = isUser ? "%h/.config/baton/service.env" : "/etc/baton/service.env";
            var baton = string.Join(' ', host.Executables.Self.Select(Baton.Core.Processes.Shell.Quote));
            var text = ServiceUnit.Render(host.Executables.Self, isUser, host.Variables.Get("PATH") ?? "/usr/local/bin:/usr/bin:/bin", environmentFile, Environment.UserName);
            Directory.CreateDirectory(folder);
            var path = Path.Combine(folder, ServiceUnit.FileName);
            if (File.Exists(path) && !File.ReadAllText(path).StartsWith(ServiceUnit.Marker, StringComparison.Ordinal))
            {
                throw new BatonException($"{path} exists and was not written by `baton service install`: move it away first");
            }

            File.WriteAllText(path, text);
            var instance = "baton@" + ServiceUnit.EscapePath(host.Paths.Root) + ".service";
            var systemctl = isUser ? "systemctl --user" : "systemctl";
            var journal = isUser ? "journalctl --user" : "journalctl";
            var enabled = false;
            if (parse.GetValue(enable))
            {
                foreach (var args in new[] { new[] { "daemon-reload" }, new[] { "enable", "--now", instance } })
                {
                    var r = await host.Runner.RunAsync(new Baton.Core.Processes.ProcessRequest("systemctl", isUser ? ["--user", .. args] : args), ct).ConfigureAwait(false);
                    if (r.ExitCode != 0)
                    {
                        throw new BatonException($"{systemctl} {string.Join(' ', args)} failed ({r.ExitCode}): {r.StandardError.Trim()}; the unit is written at {path}");
                    }
                }

                enabled = true;
            }

            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new ServiceInstallJson(path, instance, isUser, enabled, environmentFile.Replace("%h", home, StringComparison.Ordinal)), CliJson.Readable.ServiceInstallJson));
                return 0;
            }

            host.Out.WriteLine($"wrote {path} (runs {baton} up --plain in {host.Paths.Root})");
            if (!enabled)
            {
                host.Out.WriteLine($"Start it:  {systemctl} daemon-reload && {systemctl} enable --now {Baton.Core.Processes.Shell.Quote(instance)}");
            }

            host.Out.WriteLine($"Status:    {systemctl} status {Baton.Core.Processes.Shell.Quote(instance)}");
            host.Out.WriteLine($"Logs:      {journal} -u {Baton.Core.Processes.Shell.Quote(instance)} -f");
            host.Out.WriteLine($"Agents' keys (ANTHROPIC_API_KEY=...): KEY=VALUE lines in {environmentFile.Replace("%h", home, StringComparison.Ordinal)} (chmod 600); the service reads it when it starts.");
            return 0;
        });
        return new Command("service", "Run `baton up` as a systemd service") { install };
    }
}
