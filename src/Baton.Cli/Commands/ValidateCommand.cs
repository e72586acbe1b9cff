using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core.Workspace;

namespace Baton.Cli.Commands;

/// <summary>`baton validate`: the store, git and tmux held against each other; exit 1 on a mismatch, 0 with only warnings.</summary>
internal static class ValidateCommand
{
    public static Command Create()
    {
        var command = new Command("validate", "Check worktrees, branches and sessions against the store: every mismatch and how to fix it (exit 1 on errors)")
        {
            CommandRunner.Json,
        };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var socket = host.Config.TmuxSocket;
            var findings = new WorkspaceValidator(host.TicketStore, host.Store, host.Git, host.Git, host.Tmux(socket), socket, host.Files, host.WorkPaths,
                host.Config.SessionPrefix, pid => Directory.Exists("/proc/" + pid.ToString(System.Globalization.CultureInfo.InvariantCulture))).Check();
            var errors = findings.Count(f => f.Severity == Finding.Error);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new ValidateJson(errors, findings.Count - errors,
                    findings.Select(f => new FindingJson(f.Severity, f.Kind, f.Subject, f.Detail, f.Fix)).ToList()), CliJson.Readable.ValidateJson));
                return Task.FromResult(errors > 0 ? 1 : 0);
            }

            foreach (var f in findings.OrderBy(f => f.Severity == Finding.Error ? 0 : 1))
            {
                host.Out.WriteLine($"{f.Severity}: {f.Kind} {f.Subject}: {f.Detail}");
                host.Out.WriteLine($"  fix: {f.Fix}");
            }

            host.Out.WriteLine(findings.Count == 0
                ? "ok: the store, git worktrees and branches, and tmux sessions agree"
                : $"{errors} error{(errors == 1 ? "" : "s")}, {findings.Count - errors} warning{(findings.Count - errors == 1 ? "" : "s")}");
            return Task.FromResult(errors > 0 ? 1 : 0);
        });
        return command;
    }
}
