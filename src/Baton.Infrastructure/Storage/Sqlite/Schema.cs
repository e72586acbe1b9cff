namespace Baton.Infrastructure.Storage.Sqlite;

/// <summary>
/// The schema as an ordered list of migrations; <c>PRAGMA user_version</c> says how many have run.
/// Append new migrations, never edit old ones: stores in the field are migrated forward from
/// whatever version they are at. docs/schema.md describes the result. Each migration has its
/// PostgreSQL twin, same number, in Storage/Postgres/PostgresSchema.cs (a test checks the counts).
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

        // 2: tickets and their dependencies, features, and the state tables later issues fill
        // (merge requests, conflicts, gate runs, blockers), with the views people query.
        """
        CREATE TABLE features (
            name        TEXT PRIMARY KEY,
            title       TEXT NOT NULL,
            description TEXT NOT NULL DEFAULT '',
            base_branch TEXT,
            status      TEXT NOT NULL DEFAULT 'active',
            created_at  TEXT NOT NULL,
            updated_at  TEXT NOT NULL
        );
        CREATE TABLE tickets (
            number        INTEGER PRIMARY KEY AUTOINCREMENT,
            title         TEXT NOT NULL,
            body          TEXT NOT NULL DEFAULT '',
            status        TEXT NOT NULL,
            priority      TEXT NOT NULL,
            priority_rank INTEGER NOT NULL,
            labels        TEXT NOT NULL DEFAULT '[]',
            feature       TEXT REFERENCES features(name),
            assignee      TEXT,
            worker_wanted TEXT,
            role_wanted   TEXT,
            agent_wanted  TEXT,
            attempts      INTEGER NOT NULL DEFAULT 0,
            time_limit_minutes INTEGER,
            source        TEXT NOT NULL DEFAULT 'local',
            external_id   TEXT,
            branch        TEXT,
            worktree      TEXT,
            summary       TEXT,
            artifacts     TEXT NOT NULL DEFAULT '[]',
            note          TEXT,
            created_at    TEXT NOT NULL,
            updated_at    TEXT NOT NULL,
            started_at    TEXT,
            finished_at   TEXT
        );
        CREATE INDEX tickets_dispatch ON tickets(status, priority_rank, created_at, number);
        CREATE INDEX tickets_feature ON tickets(feature);
        CREATE UNIQUE INDEX tickets_external ON tickets(external_id) WHERE external_id IS NOT NULL;
        CREATE TABLE ticket_dependencies (
            ticket     INTEGER NOT NULL REFERENCES tickets(number),
            depends_on INTEGER NOT NULL REFERENCES tickets(number),
            PRIMARY KEY (ticket, depends_on)
        ) WITHOUT ROWID;
        CREATE INDEX ticket_dependencies_reverse ON ticket_dependencies(depends_on, ticket);
        CREATE TABLE merge_requests (
            id         INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket     INTEGER REFERENCES tickets(number),
            branch     TEXT NOT NULL,
            target     TEXT NOT NULL,
            kind       TEXT NOT NULL DEFAULT 'local',
            number     INTEGER,
            url        TEXT,
            status     TEXT NOT NULL,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        );
        CREATE TABLE conflicts (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            branch_a    TEXT NOT NULL,
            branch_b    TEXT NOT NULL,
            files       TEXT NOT NULL DEFAULT '[]',
            severity    TEXT NOT NULL,
            status      TEXT NOT NULL DEFAULT 'active',
            detected_at TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE TABLE gate_runs (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket      INTEGER REFERENCES tickets(number),
            worker      TEXT,
            branch      TEXT,
            kind        TEXT NOT NULL,
            status      TEXT NOT NULL,
            passed      INTEGER,
            failed      INTEGER,
            skipped     INTEGER,
            output      TEXT,
            started_at  TEXT NOT NULL,
            finished_at TEXT
        );
        CREATE TABLE blockers (
            id          INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket      INTEGER REFERENCES tickets(number),
            kind        TEXT NOT NULL CHECK (kind IN ('dependency', 'conflict', 'external', 'technical')),
            description TEXT NOT NULL,
            status      TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'resolved')),
            created_at  TEXT NOT NULL,
            resolved_at TEXT
        );
        CREATE INDEX blockers_ticket ON blockers(ticket, status);
        CREATE INDEX events_ticket ON events(ticket, id);
        CREATE INDEX events_time ON events(time);
        CREATE VIEW feature_status AS
            SELECT f.name AS feature, f.title,
                   COUNT(t.number) AS tickets,
                   COALESCE(SUM(t.status = 'done'), 0) AS done,
                   COALESCE(SUM(t.status IN ('in-progress', 'testing', 'review')), 0) AS active,
                   COALESCE(SUM(t.status IN ('open', 'queued')), 0) AS waiting,
                   COALESCE(SUM(t.status = 'blocked'), 0) AS blocked,
                   COALESCE(SUM(t.status = 'failed'), 0) AS failed,
                   COALESCE(SUM(t.status = 'cancelled'), 0) AS cancelled
            FROM features f LEFT JOIN tickets t ON t.feature = f.name
            GROUP BY f.name, f.title;
        CREATE VIEW recent_events AS
            SELECT * FROM events ORDER BY id DESC LIMIT 100;
        CREATE VIEW test_summary AS
            SELECT ticket, kind, COUNT(*) AS runs,
                   SUM(status = 'passed') AS passed_runs, SUM(status = 'failed') AS failed_runs,
                   SUM(COALESCE(passed, 0)) AS tests_passed, SUM(COALESCE(failed, 0)) AS tests_failed,
                   MAX(finished_at) AS last_run
            FROM gate_runs GROUP BY ticket, kind;
        """,

        // 3: what a worker's agent last reported through its hooks, and how far its spool was read.
        """
        ALTER TABLE workers ADD COLUMN hook_state TEXT;
        ALTER TABLE workers ADD COLUMN hook_at TEXT;
        ALTER TABLE workers ADD COLUMN hook_evidence TEXT;
        ALTER TABLE workers ADD COLUMN hook_offset INTEGER NOT NULL DEFAULT 0;
        """,

        // 4: the autopilot: which ticket a worker works on and whether it is paused; per ticket the
        // branch it merges into, its retry time, nudges and gate failures; the merge queue's order.
        """
        ALTER TABLE workers ADD COLUMN ticket INTEGER;
        ALTER TABLE workers ADD COLUMN paused_until TEXT;
        ALTER TABLE tickets ADD COLUMN target TEXT;
        ALTER TABLE tickets ADD COLUMN retry_at TEXT;
        ALTER TABLE tickets ADD COLUMN nudges INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE tickets ADD COLUMN nudged_at TEXT;
        ALTER TABLE tickets ADD COLUMN gate_failures INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE merge_requests ADD COLUMN detail TEXT;
        CREATE INDEX merge_requests_status ON merge_requests(status, id);
        CREATE INDEX gate_runs_ticket ON gate_runs(ticket, id);
        """,

        // 5: git coordination: the paths a ticket declares it will change (globs, for holding it
        // while live branches change them), the unmerged ticket its branch was stacked on, and
        // the active conflicts by pair.
        """
        ALTER TABLE tickets ADD COLUMN paths TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE tickets ADD COLUMN stacked_on INTEGER;
        CREATE INDEX conflicts_active ON conflicts(status, branch_a, branch_b);
        """,

        // 6: agent usage per worker run (one row per spawn, so a reused worker name keeps its
        // history): tokens by kind, cost, the last request's context fill, the agent's version.
        """
        CREATE TABLE worker_usage (
            id                    INTEGER PRIMARY KEY AUTOINCREMENT,
            worker                TEXT NOT NULL,
            agent                 TEXT NOT NULL,
            ticket                INTEGER,
            agent_version         TEXT,
            model                 TEXT,
            input_tokens          INTEGER NOT NULL DEFAULT 0,
            output_tokens         INTEGER NOT NULL DEFAULT 0,
            cache_creation_tokens INTEGER NOT NULL DEFAULT 0,
            cache_read_tokens     INTEGER NOT NULL DEFAULT 0,
            cost_usd              REAL,
            context_tokens        INTEGER,
            context_window        INTEGER,
            started_at            TEXT NOT NULL,
            updated_at            TEXT
        );
        CREATE INDEX worker_usage_worker ON worker_usage(worker, id);
        CREATE INDEX worker_usage_ticket ON worker_usage(ticket);
        """,

        // 7: GitHub: the issue each imported ticket came from and the ticket state last written
        // back to it (labels, closing comment); pull requests are merge_requests of kind 'github'.
        """
        CREATE TABLE github_issues (
            ticket     INTEGER PRIMARY KEY REFERENCES tickets(number),
            repository TEXT NOT NULL,
            issue      INTEGER NOT NULL,
            synced     TEXT,
            synced_at  TEXT,
            created_at TEXT NOT NULL
        );
        CREATE INDEX merge_requests_kind ON merge_requests(kind, status, id);
        """,

        // 8: TUI usage: the Claude Code transcript a worker's Stop hooks named, and how far Baton
        // has read it (its usage is added to worker_usage as the hooks are taken in).
        """
        ALTER TABLE workers ADD COLUMN transcript TEXT;
        ALTER TABLE workers ADD COLUMN transcript_offset INTEGER NOT NULL DEFAULT 0;
        """,

        // 9: notifications: the outbox of deliveries (one per notice, rule and channel step),
        // retried with backoff and escalated, and how far the notifier has read the event log.
        """
        CREATE TABLE notifications (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            rule            TEXT NOT NULL,
            channel         TEXT NOT NULL,
            step            INTEGER NOT NULL DEFAULT 0,
            event_id        INTEGER NOT NULL,
            priority        TEXT NOT NULL CHECK (priority IN ('urgent', 'action', 'info')),
            kind            TEXT NOT NULL,
            dedup_key       TEXT NOT NULL,
            title           TEXT NOT NULL,
            body            TEXT NOT NULL,
            ticket          TEXT,
            worker          TEXT,
            notice_time     TEXT NOT NULL,
            status          TEXT NOT NULL CHECK (status IN ('queued', 'sent', 'failed', 'acked', 'escalated')),
            attempts        INTEGER NOT NULL DEFAULT 0,
            last_error      TEXT,
            test            INTEGER NOT NULL DEFAULT 0,
            created_at      TEXT NOT NULL,
            next_attempt_at TEXT NOT NULL,
            sent_at         TEXT,
            acked_at        TEXT,
            acked_by        TEXT
        );
        CREATE INDEX notifications_due ON notifications(status, next_attempt_at);
        CREATE INDEX notifications_key ON notifications(rule, dedup_key, status);
        CREATE TABLE notify_cursor (
            id       INTEGER PRIMARY KEY CHECK (id = 1),
            event_id INTEGER NOT NULL
        );
        """,

        // 10: context handoffs: a ticket moved from a worker whose context filled to a fresh one,
        // with the packet that went with it (also in .baton/handoff/H-n.json).
        """
        CREATE TABLE handoffs (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket          INTEGER NOT NULL,
            from_worker     TEXT NOT NULL,
            from_agent      TEXT NOT NULL,
            to_worker       TEXT,
            to_agent        TEXT NOT NULL,
            reason          TEXT NOT NULL,
            trigger         TEXT NOT NULL CHECK (trigger IN ('command', 'threshold', 'force', 'precompact')),
            status          TEXT NOT NULL CHECK (status IN ('asking', 'switching', 'done', 'failed')),
            source          TEXT CHECK (source IN ('agent', 'record')),
            context_percent REAL,
            context_tokens  INTEGER,
            wip_ref         TEXT,
            packet_path     TEXT,
            error           TEXT,
            triggered_at    TEXT NOT NULL,
            finished_at     TEXT,
            latency_ms      INTEGER
        );
        CREATE INDEX handoffs_ticket ON handoffs(ticket, id);
        CREATE INDEX handoffs_status ON handoffs(status);
        """,

        // 11: Claude Code's status line: the subscription windows (5-hour, 7-day) the run's agent
        // last reported, beside its usage (IRateLimitReadings reads the latest per profile).
        """
        ALTER TABLE worker_usage ADD COLUMN five_hour_percent REAL;
        ALTER TABLE worker_usage ADD COLUMN five_hour_resets_at TEXT;
        ALTER TABLE worker_usage ADD COLUMN seven_day_percent REAL;
        ALTER TABLE worker_usage ADD COLUMN seven_day_resets_at TEXT;
        ALTER TABLE worker_usage ADD COLUMN rate_limits_at TEXT;
        CREATE INDEX worker_usage_rate_limits ON worker_usage(agent, rate_limits_at);
        """,

        // 12: budgets (`baton budget set`): a limit on dollars, tokens or wall time per day or per
        // ticket, for all work, a role, a profile or both; one per key (period.metric:role:agent).
        """
        CREATE TABLE budgets (
            key          TEXT PRIMARY KEY,
            period       TEXT NOT NULL CHECK (period IN ('day', 'ticket')),
            metric       TEXT NOT NULL CHECK (metric IN ('usd', 'tokens', 'wall')),
            limit_value  TEXT NOT NULL,
            soft_percent INTEGER CHECK (soft_percent BETWEEN 1 AND 100),
            role         TEXT,
            agent        TEXT,
            set_at       TEXT NOT NULL
        );
        """,

        // 13: the prophet hands itself over too, and works on no ticket: a handoff's ticket may be
        // null (SQLite cannot drop NOT NULL in place: the table is copied).
        """
        CREATE TABLE handoffs_new (
            id              INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket          INTEGER,
            from_worker     TEXT NOT NULL,
            from_agent      TEXT NOT NULL,
            to_worker       TEXT,
            to_agent        TEXT NOT NULL,
            reason          TEXT NOT NULL,
            trigger         TEXT NOT NULL CHECK (trigger IN ('command', 'threshold', 'force', 'precompact')),
            status          TEXT NOT NULL CHECK (status IN ('asking', 'switching', 'done', 'failed')),
            source          TEXT CHECK (source IN ('agent', 'record')),
            context_percent REAL,
            context_tokens  INTEGER,
            wip_ref         TEXT,
            packet_path     TEXT,
            error           TEXT,
            triggered_at    TEXT NOT NULL,
            finished_at     TEXT,
            latency_ms      INTEGER
        );
        INSERT INTO handoffs_new SELECT id, ticket, from_worker, from_agent, to_worker, to_agent, reason, trigger, status, source,
            context_percent, context_tokens, wip_ref, packet_path, error, triggered_at, finished_at, latency_ms FROM handoffs;
        DROP TABLE handoffs;
        ALTER TABLE handoffs_new RENAME TO handoffs;
        CREATE INDEX handoffs_ticket ON handoffs(ticket, id);
        CREATE INDEX handoffs_status ON handoffs(status);
        """,

        // 14: conflicts a person or an agent logs by hand (`baton conflicts log`): where they came
        // from (the radar's predictions are `predicted`, never resolved by a scan when `manual`),
        // the feature they belong to, and the note they were resolved with.
        """
        ALTER TABLE conflicts ADD COLUMN source TEXT NOT NULL DEFAULT 'predicted';
        ALTER TABLE conflicts ADD COLUMN feature TEXT;
        ALTER TABLE conflicts ADD COLUMN note TEXT;
        ALTER TABLE conflicts ADD COLUMN resolution TEXT;
        """,

        // 15: nodes (`baton node`) and their leases on tickets: a lease is taken with the claim, its
        // token (AUTOINCREMENT: never reused, always increasing) fences every later write.
        """
        CREATE TABLE nodes (
            name         TEXT PRIMARY KEY,
            host         TEXT NOT NULL,
            pid          INTEGER NOT NULL,
            capacity     INTEGER NOT NULL,
            labels       TEXT NOT NULL DEFAULT '[]',
            lease_ttl_ms INTEGER NOT NULL,
            started_at   TEXT NOT NULL,
            heartbeat_at TEXT NOT NULL,
            stopped_at   TEXT
        );
        CREATE TABLE leases (
            token      INTEGER PRIMARY KEY AUTOINCREMENT,
            ticket     INTEGER NOT NULL,
            node       TEXT NOT NULL,
            worker     TEXT NOT NULL,
            state      TEXT NOT NULL CHECK (state IN ('held', 'released', 'expired')),
            taken_at   TEXT NOT NULL,
            renewed_at TEXT NOT NULL,
            expires_at TEXT NOT NULL,
            ended_at   TEXT
        );
        CREATE INDEX leases_ticket ON leases(ticket, token);
        CREATE INDEX leases_held ON leases(state, expires_at);
        """,
        // 16: the ready flag, kept by the store itself: pending_deps counts a ticket's dependencies
        // that are not done (triggers move it when a dependency row comes or goes and when a
        // dependency's status enters or leaves done), and ready (a virtual column) is 1 for an open
        // or queued ticket with none pending, so the ready tickets are one ordered index range
        // instead of a dependency probe per open ticket (100,000 tickets: 36 ms to 6 ms).
        """
        ALTER TABLE tickets ADD COLUMN pending_deps INTEGER NOT NULL DEFAULT 0;
        UPDATE tickets SET pending_deps = (SELECT count(*) FROM ticket_dependencies d JOIN tickets p ON p.number = d.depends_on
                                           WHERE d.ticket = tickets.number AND p.status <> 'done');
        ALTER TABLE tickets ADD COLUMN ready INTEGER AS (CASE WHEN status IN ('open', 'queued') AND pending_deps = 0 THEN 1 ELSE 0 END) VIRTUAL;
        CREATE INDEX tickets_ready ON tickets(ready, priority_rank, created_at, number);
        CREATE TRIGGER tickets_pending_status AFTER UPDATE OF status ON tickets
        WHEN (OLD.status = 'done') <> (NEW.status = 'done')
        BEGIN
            UPDATE tickets SET pending_deps = pending_deps + (CASE WHEN NEW.status = 'done' THEN -1 ELSE 1 END)
            WHERE number IN (SELECT ticket FROM ticket_dependencies WHERE depends_on = NEW.number);
        END;
        CREATE TRIGGER ticket_dependencies_pending_insert AFTER INSERT ON ticket_dependencies
        WHEN (SELECT status FROM tickets WHERE number = NEW.depends_on) <> 'done'
        BEGIN
            UPDATE tickets SET pending_deps = pending_deps + 1 WHERE number = NEW.ticket;
        END;
        CREATE TRIGGER ticket_dependencies_pending_delete AFTER DELETE ON ticket_dependencies
        WHEN (SELECT status FROM tickets WHERE number = OLD.depends_on) <> 'done'
        BEGIN
            UPDATE tickets SET pending_deps = pending_deps - 1 WHERE number = OLD.ticket;
        END;
        """,
    ];

    public static int Version => Migrations.Length;
}
