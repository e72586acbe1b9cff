using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Host;
using Baton.Cli.Rendering;
using Baton.Core;
using Baton.Core.Config;
using Baton.Core.Processes;
using Baton.Infrastructure.Config;
using Baton.Infrastructure.Roles;
using Baton.Infrastructure.Storage.Sqlite;

namespace Baton.Cli.Commands;

/// <summary>`baton init`: creates .baton/ (config, store, folders) at the repository root. Safe to run again.</summary>
internal static class InitCommand
{
    public static Command Create()
    {
        var command = new Command("init", "Create .baton/ (config.yaml, the store) at the root of this git repository; safe to run again");
        command.Options.Add(CommandRunner.Json);
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            var root = RepositoryRoot(host);
            var paths = BatonPaths.ForRoot(root);
            var written = new List<string>();
            var created = !File.Exists(paths.Database);
            foreach (var dir in new[] { paths.BatonDir, paths.LogsDir, paths.LocksDir, paths.AgentsDir })
            {
                if (!Directory.Exists(dir))
                {
                    Directory.CreateDirectory(dir);
                    written.Add(Relative(root, dir) + "/");
                }
            }

            if (!File.Exists(paths.ConfigFile))
            {
                File.WriteAllText(paths.ConfigFile, ConfigLoader.DefaultFile);
                written.Add(Relative(root, paths.ConfigFile));
            }
            else
            {
                // Fail now, with file and line, rather than at the first spawn.
                ConfigLoader.Parse(paths.ConfigFile, File.ReadAllText(paths.ConfigFile));
            }

            // Built-in roles and directives are written out for the user to read and change;
            // a file that exists is never overwritten.
            foreach (var kind in new[] { "roles", "directives" })
            {
                var dir = Path.Combine(paths.BatonDir, kind);
                Directory.CreateDirectory(dir);
                foreach (var name in RoleCatalog.BuiltIn(kind))
                {
                    var file = Path.Combine(dir, name + ".yaml");
                    if (!File.Exists(file))
                    {
                        File.WriteAllText(file, RoleCatalog.BuiltInText(kind, name));
                        written.Add(Relative(root, file));
                    }
                }
            }

            using (SqliteStore.Open(paths.Database, create: true))
            {
                if (created)
                {
                    written.Add(Relative(root, paths.Database));
                }
            }

            if (ExcludeFromGit(root))
            {
                written.Add(".git/info/exclude (+ .baton/)");
            }

            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(new InitJson(root, paths.Database, created, written), CliJson.Readable.InitJson));
            }
            else
            {
                host.Out.WriteLine(created ? $"Initialised Baton in {paths.BatonDir}" : $"Baton is already initialised in {paths.BatonDir}");
                foreach (var w in written)
                {
                    host.Out.WriteLine("  created " + w);
                }

                if (created)
                {
                    host.Out.WriteLine("Next: baton spawn --agent scripted \"@sleep 1\"   (or --agent claude with Claude Code installed)");
                }
            }

            return Task.FromResult(0);
        });
        return command;
    }

    private static string RepositoryRoot(CliHost host)
    {
        var cwd = host.Environment.WorkingDirectory;
        ProcessResult result;
        try
        {
            result = host.Runner.Run(new ProcessRequest("git", ["-C", cwd, "rev-parse", "--show-toplevel"]));
        }
        catch (BatonException e)
        {
            throw new BatonException("git is not installed or not on PATH: install it (Debian: apt-get install git)", e);
        }

        if (result.ExitCode != 0)
        {
            throw new BatonException($"{cwd} is not inside a git repository: cd into your repository, or run `git init` first");
        }

        return result.StandardOutput.Trim();
    }

    /// <summary>Keeps .baton/ out of `git status` without touching a tracked file (.git/info/exclude is local).</summary>
    private static bool ExcludeFromGit(string root)
    {
        var gitDir = Path.Combine(root, ".git");
        if (!Directory.Exists(gitDir))
        {
            return false; // a linked worktree or submodule: .git is a file; leave it alone
        }

        var exclude = Path.Combine(gitDir, "info", "exclude");
        Directory.CreateDirectory(Path.GetDirectoryName(exclude)!);
        var text = File.Exists(exclude) ? File.ReadAllText(exclude) : "";
        if (text.Split('\n').Any(l => l.Trim() is "/.baton/" or ".baton/" or ".baton" or "/.baton"))
        {
            return false;
        }

        File.AppendAllText(exclude, (text.Length > 0 && !text.EndsWith('\n') ? "\n" : "") + "/.baton/\n");
        return true;
    }

    private static string Relative(string root, string path) => Path.GetRelativePath(root, path);
}
