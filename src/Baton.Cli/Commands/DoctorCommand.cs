using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Config;
using Baton.Infrastructure.Diagnostics;

namespace Baton.Cli.Commands;

/// <summary>`baton doctor [--json]`: checks tmux, git, each agent profile and the store; exit 1 when something is wrong.</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var command = new Command("doctor", "Check tmux, git, the agents (installed? known-good version?) and the store, and say what to fix") { CommandRunner.Json };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            BatonPaths? paths;
            try
            {
                paths = host.Paths;
            }
            catch (BatonException)
            {
                paths = null; // no store here: the doctor still checks the machine
            }

            var versions = paths is null ? new Baton.Infrastructure.Agents.AgentVersions(host.Runner, null) : host.Versions;
            var checks = new Doctor(host.Runner, host.Executables, versions).Run(paths);
            var ok = checks.All(c => c.Status != DoctorCheck.Fail);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new DoctorJson(ok, checks.Select(c => new DoctorCheckJson(c.Name, c.Status, c.Detail, c.Fix)).ToList()), CliJson.Readable.DoctorJson));
            }
            else
            {
                foreach (var c in checks)
                {
                    host.Out.WriteLine($"{c.Status,-4}  {c.Name,-24} {c.Detail}");
                    if (c.Fix is not null && c.Status != DoctorCheck.Ok)
                    {
                        host.Out.WriteLine($"{"",-31}fix: {c.Fix}"); // under the detail column: status 4 + 2 + name 24 + 1
                    }
                }

                var failed = checks.Count(c => c.Status == DoctorCheck.Fail);
                var warned = checks.Count(c => c.Status == DoctorCheck.Warn);
                host.Out.WriteLine(ok ? $"ready ({warned} warning{(warned == 1 ? "" : "s")})" : $"{failed} problem{(failed == 1 ? "" : "s")} to fix");
            }

            return Task.FromResult(ok ? 0 : 1);
        });
        return command;
    }
}
