namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>
/// The schema as an ordered list of migrations; <c>PRAGMA user_version</c> says how many have run.
/// Append new migrations, never edit old ones: stores in the field are migrated forward from
/// whatever version they are at. docs/schema.md describes the result.
/// </summary>
internal static class Schema
{
    public static readonly string[] Migrations =
    [
        // 1: workers and the event log.
        """
        CREATE TABLE workers (
            name        TEXT PRIMARY KEY,
            agent       TEXT NOT NULL,
            role        TEXT,
            mode        TEXT NOT NULL CHECK (mode IN ('tmux', 'headless')),
            session     TEXT,
            socket      TEXT,
            directory   TEXT NOT NULL,
            state       TEXT NOT NULL,
            evidence    TEXT,
            state_since TEXT NOT NULL,
            observed_at TEXT,
            exit_code   INTEGER,
            pid         INTEGER,
            log_path    TEXT,
            created_at  TEXT NOT NULL,
            ended_at    TEXT
        );
        CREATE TABLE events (
            id       INTEGER PRIMARY KEY AUTOINCREMENT,
            time     TEXT NOT NULL,
            type     TEXT NOT NULL,
            feature  TEXT,
            ticket   TEXT,
            worker   TEXT,
            role     TEXT,
            message  TEXT NOT NULL DEFAULT '',
            commit_sha TEXT,
            metadata TEXT
        );
        CREATE INDEX events_worker ON events(worker, id);
        CREATE INDEX events_type ON events(type, id);
        CREATE TRIGGER events_no_update BEFORE UPDATE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        CREATE TRIGGER events_no_delete BEFORE DELETE ON events
            BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
        """,
    ];

    public static int Version => Migrations.Length;
}
