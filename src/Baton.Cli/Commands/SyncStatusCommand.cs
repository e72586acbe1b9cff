using System.CommandLine;
using System.Text.Json;
using Baton.Cli.Rendering;

namespace Baton.Cli.Commands;

/// <summary>`baton sync-status` (ticket ids in commit messages -> ticket states, tasks.md) and `baton hooks install` (a post-commit hook that runs it).</summary>
internal static class SyncStatusCommand
{
    public static Command Create()
    {
        var commits = new Option<string[]>("--commit") { Description = "Only this commit (repeatable); default: the latest commits on every local branch" };
        var limit = new Option<int>("--limit") { Description = "How many recent commits to read without --commit", DefaultValueFactory = _ => 200 };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "Print nothing (for the post-commit hook)" };
        var command = new Command("sync-status", "Update tickets from commit messages that name them (T-12, 'fixes T-12', trailer 'Baton-Ticket: T-12') and regenerate the status files")
        {
            commits, limit, quiet, CommandRunner.Json,
        };
        CommandRunner.Bind(command, (parse, host, _) =>
        {
            if (parse.GetValue(limit) is < 1 or > 100_000)
            {
                throw Baton.Core.BatonException.Usage("--limit must be between 1 and 100000");
            }

            var changes = host.StatusSync().Sync(parse.GetValue(commits) ?? [], parse.GetValue(limit));
            host.StatusFiles().Write(host.Store.ListWorkers(includeKilled: false), host.TicketStore.ListTickets(new Baton.Core.Storage.TicketQuery()), host.Time.GetUtcNow());
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(JsonSerializer.Serialize(changes.Select(c => new SyncChangeJson("status_update", c.Ticket, c.Commit, c.Closes, c.Landed, c.Subject, c.From, c.To, c.Message)).ToList(), CliJson.Readable.ListSyncChangeJson));
            }
            else if (!parse.GetValue(quiet))
            {
                host.Out.WriteLine(changes.Count == 0 ? "No ticket named by a commit needs an update." : string.Join('\n', changes.Select(c => c.Message)));
            }

            return Task.FromResult(0);
        });
        return command;
    }

    public static Command CreateHooks()
    {
        var install = new Command("install", "Install a post-commit hook that runs `baton sync-status` on each new commit (an existing hook is kept and run first)") { CommandRunner.Json };
        CommandRunner.Bind(install, (parse, host, _) =>
        {
            var file = host.GitWorkspace.InstallPostCommit(host.Paths.Root, host.Executables.Self)
                ?? throw new Baton.Core.BatonException($"{host.Paths.Root} is not a git repository");
            host.Out.WriteLine(parse.GetValue(CommandRunner.Json)
                ? JsonSerializer.Serialize(new List<string> { file }, CliJson.Readable.ListString)
                : $"installed {file}");
            return Task.FromResult(0);
        });
        return new Command("hooks", "Git hooks Baton offers") { install };
    }
}
