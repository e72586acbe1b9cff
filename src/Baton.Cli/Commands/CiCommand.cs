using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Ci;

namespace Baton.Cli.Commands;

/// <summary>`baton ci generate`: CI workflows for the feature workflow's implementor and overseer branches.</summary>
internal static class CiCommand
{
    public static Command Create()
    {
        var provider = new Option<string>("--provider") { Description = "The CI service (github)", DefaultValueFactory = _ => "github" };
        var force = new Option<bool>("--force") { Description = "Overwrite workflow files that `ci generate` did not write" };
        var generate = new Command("generate", "Write .github/workflows/baton-implementor.yml and baton-overseer.yml from the gate config (gate.roles, gate.commands, ci.install)")
        {
            provider, force, CommandRunner.Json,
        };
        CommandRunner.Bind(generate, (parse, host, _) =>
        {
            var name = parse.GetValue(provider)!;
            if (name != "github")
            {
                throw BatonException.Usage($"unknown --provider '{name}': only github (GitHub Actions) is supported");
            }

            var files = WorkflowGenerator.GitHub(host.Config.Autopilot, host.Config.CiInstall);
            var written = new List<string>();
            foreach (var file in files)
            {
                var path = Path.Combine(host.Paths.Root, file.Path);
                if (File.Exists(path) && !parse.GetValue(force) && !File.ReadAllText(path).StartsWith(WorkflowGenerator.Marker, StringComparison.Ordinal))
                {
                    throw new BatonException($"{file.Path} exists and was not written by `baton ci generate`: move it away, or overwrite it with --force");
                }
            }

            foreach (var file in files)
            {
                var path = Path.Combine(host.Paths.Root, file.Path);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                File.WriteAllText(path, file.Text);
                written.Add(file.Path);
            }

            var note = host.Config.CiInstall is null
                ? "no conflicts job: set ci.install in .baton/config.yaml (how a runner gets baton) to add one"
                : "with a conflicts job (baton conflicts of the feature's implementor branches against its overseer branch)";
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new CiGenerateJson(written, host.Config.CiInstall is not null, note), CliJson.Readable.CiGenerateJson));
            }
            else
            {
                foreach (var w in written)
                {
                    host.Out.WriteLine("wrote " + w);
                }

                host.Out.WriteLine(note);
                host.Out.WriteLine("Commit them (git add .github/workflows) so the CI service runs them.");
            }

            return Task.FromResult(0);
        });
        return new Command("ci", "Continuous integration for the feature workflow") { generate };
    }
}
