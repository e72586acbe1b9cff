using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;

namespace Baton.Cli.Commands;

/// <summary>`baton init`: creates .baton/ (config, store, folders) at the repository root. Safe to run again.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var command = new Command("init", "Create .baton/ (config.yaml, the store) at the root of this git repository; safe to run again");
        var store = new Option<string?>("--store") { Description = "Use a shared PostgreSQL store, postgres://USER@HOST[:PORT]/DATABASE (saved without a password; docs/storage.md)" };
        command.Options.Add(store);
        command.Options.Add(CommandRunner.Json);
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var result = host.Init().Init(host.Environment.WorkingDirectory, parse.GetValue(store));
            var paths = result.Paths;
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new InitJson(result.Root, paths.Database, result.Created, result.Written), CliJson.Readable.InitJson));
            }
            else
            {
                host.Out.WriteLine(result.Created ? $"Initialised Baton in {paths.BatonDir}" : $"Baton is already initialised in {paths.BatonDir}");
                foreach (var w in result.Written)
                {
                    host.Out.WriteLine("  created " + w);
                }

                if (result.Created)
                {
                    host.Out.WriteLine("Next: baton spawn --agent scripted \"@sleep 1\"   (or --agent claude with Claude Code installed)");
                }
            }

            return Task.FromResult(0);
        });
        return command;
    }
}
