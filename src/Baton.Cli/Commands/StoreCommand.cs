using System.CommandLine;
using Baton.Core;
using Baton.Infrastructure.Storage.Postgres;
using Baton.Infrastructure.Storage.Sqlite;

namespace Baton.Cli.Commands;

/// <summary>`baton store migrate`: a repository's SQLite history into the shared PostgreSQL store (docs/storage.md).</summary>
internal static class StoreCommand
{
    public static Command Create()
    {
        var store = new Command("store", "The store itself: move a repository's SQLite history into the shared PostgreSQL store");
        var from = new Option<string?>("--from") { Description = "The SQLite store to copy (default: .baton/baton.db)" };
        var migrate = new Command("migrate", "Copy every row of the SQLite store into the empty PostgreSQL store named by BATON_STORE_URL or store.url") { from, CommandRunner.Json };
        CommandRunner.Bind(migrate, (parse, host, _) =>
        {
            var source = parse.GetValue(from) is { } path ? Path.GetFullPath(path, host.Environment.WorkingDirectory) : host.Paths.Database;
            var url = host.Environment.Variable("BATON_STORE_URL") ?? host.Config.StoreUrl
                ?? throw BatonException.Usage("no shared store to migrate into: run `baton init --store postgres://USER@HOST/DB` first (or set BATON_STORE_URL)");
            using var sqlite = SqliteStore.Open(source, create: false, host.Config.StoreBusyTimeout);
            using var postgres = PostgresStore.Open(PostgresUrl.Parse(url), host.Environment.Variable("BATON_STORE_PASSWORD"), create: true, host.Config.StoreBusyTimeout);
            var counts = StoreCopy.Copy(sqlite, postgres);
            if (parse.GetValue(CommandRunner.Json))
            {
                host.Out.WriteLine(System.Text.Json.JsonSerializer.Serialize(new Rendering.StoreMigrateJson(source, postgres.Location, counts.Sum(c => c.Rows),
                    counts.Select(c => new Rendering.StoreTableJson(c.Table, c.Rows)).ToList()), Rendering.CliJson.Readable.StoreMigrateJson));
                return Task.FromResult(0);
            }

            host.Out.WriteLine($"Copied {source} into {postgres.Location}:");
            foreach (var (table, rows) in counts.Where(c => c.Rows > 0))
            {
                host.Out.WriteLine($"  {table}: {rows}");
            }

            host.Out.WriteLine($"  {counts.Sum(c => c.Rows)} rows in all; the SQLite file is left as it was.");
            return Task.FromResult(0);
        });
        store.Subcommands.Add(migrate);
        return store;
    }
}
