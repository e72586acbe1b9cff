using System.Data.Common;
using Baton.Core.Workers;

namespace Baton.Infrastructure.Storage.Sql;

/// <summary>The workers table: one row per worker name, saved whole (an upsert) and read whole.</summary>
internal static class WorkerRows
{
    /// <summary>Inserts or replaces the worker's row, inside the caller's write transaction.</summary>
    public static void Save(SqlStore db, Worker w)
    {
        using var cmd = db.Command("""
            INSERT INTO workers (name, agent, role, mode, session, socket, directory, state, evidence, state_since,
                                 observed_at, exit_code, pid, log_path, created_at, ended_at,
                                 hook_state, hook_at, hook_evidence, hook_offset, ticket, paused_until,
                                 transcript, transcript_offset)
            VALUES (@name, @agent, @role, @mode, @session, @socket, @directory, @state, @evidence, @state_since,
                    @observed_at, @exit_code, @pid, @log_path, @created_at, @ended_at,
                    @hook_state, @hook_at, @hook_evidence, @hook_offset, @ticket, @paused_until,
                    @transcript, @transcript_offset)
            ON CONFLICT(name) DO UPDATE SET
                agent = excluded.agent, role = excluded.role, mode = excluded.mode, session = excluded.session,
                socket = excluded.socket, directory = excluded.directory, state = excluded.state,
                evidence = excluded.evidence, state_since = excluded.state_since, observed_at = excluded.observed_at,
                exit_code = excluded.exit_code, pid = excluded.pid, log_path = excluded.log_path,
                created_at = excluded.created_at, ended_at = excluded.ended_at,
                hook_state = excluded.hook_state, hook_at = excluded.hook_at, hook_evidence = excluded.hook_evidence,
                hook_offset = excluded.hook_offset, ticket = excluded.ticket, paused_until = excluded.paused_until,
                transcript = excluded.transcript, transcript_offset = excluded.transcript_offset
            """);
        SqlStore.Bind(cmd, "@name", w.Name);
        SqlStore.Bind(cmd, "@agent", w.Agent);
        SqlStore.Bind(cmd, "@role", w.Role);
        SqlStore.Bind(cmd, "@mode", w.Mode == WorkerMode.Tmux ? "tmux" : "headless");
        SqlStore.Bind(cmd, "@session", w.Session);
        SqlStore.Bind(cmd, "@socket", w.Socket);
        SqlStore.Bind(cmd, "@directory", w.Directory);
        SqlStore.Bind(cmd, "@state", w.State.ToText());
        SqlStore.Bind(cmd, "@evidence", w.Evidence);
        SqlStore.Bind(cmd, "@state_since", SqlStore.Format(w.StateSince));
        SqlStore.Bind(cmd, "@observed_at", SqlStore.Format(w.ObservedAt));
        SqlStore.Bind(cmd, "@exit_code", w.ExitCode);
        SqlStore.Bind(cmd, "@pid", w.Pid);
        SqlStore.Bind(cmd, "@log_path", w.LogPath);
        SqlStore.Bind(cmd, "@created_at", SqlStore.Format(w.CreatedAt));
        SqlStore.Bind(cmd, "@ended_at", SqlStore.Format(w.EndedAt));
        SqlStore.Bind(cmd, "@hook_state", w.Hook?.State.ToText());
        SqlStore.Bind(cmd, "@hook_at", SqlStore.Format(w.Hook?.At));
        SqlStore.Bind(cmd, "@hook_evidence", w.Hook?.Evidence);
        SqlStore.Bind(cmd, "@hook_offset", w.HookOffset);
        SqlStore.Bind(cmd, "@ticket", w.Ticket);
        SqlStore.Bind(cmd, "@paused_until", SqlStore.Format(w.PausedUntil));
        SqlStore.Bind(cmd, "@transcript", w.Transcript);
        SqlStore.Bind(cmd, "@transcript_offset", w.TranscriptOffset);
        cmd.ExecuteNonQuery();
    }

    public static Worker Read(DbDataReader r) => new()
    {
        Name = r.GetString(r.GetOrdinal("name")),
        Agent = r.GetString(r.GetOrdinal("agent")),
        Role = SqlStore.Text(r, "role"),
        Mode = r.GetString(r.GetOrdinal("mode")) == "headless" ? WorkerMode.Headless : WorkerMode.Tmux,
        Session = SqlStore.Text(r, "session"),
        Socket = SqlStore.Text(r, "socket"),
        Directory = r.GetString(r.GetOrdinal("directory")),
        State = WorkerStates.Parse(r.GetString(r.GetOrdinal("state"))),
        Evidence = SqlStore.Text(r, "evidence"),
        StateSince = SqlStore.Time(r, "state_since")!.Value,
        ObservedAt = SqlStore.Time(r, "observed_at"),
        ExitCode = SqlStore.Int(r, "exit_code"),
        Pid = SqlStore.Int(r, "pid"),
        LogPath = SqlStore.Text(r, "log_path"),
        CreatedAt = SqlStore.Time(r, "created_at")!.Value,
        EndedAt = SqlStore.Time(r, "ended_at"),
        Hook = SqlStore.Text(r, "hook_state") is { } hs ? new Core.Monitoring.HookSignal(WorkerStates.Parse(hs), SqlStore.Time(r, "hook_at")!.Value, SqlStore.Text(r, "hook_evidence") ?? "") : null,
        HookOffset = r.GetInt64(r.GetOrdinal("hook_offset")),
        Ticket = r.IsDBNull(r.GetOrdinal("ticket")) ? null : r.GetInt64(r.GetOrdinal("ticket")),
        PausedUntil = SqlStore.Time(r, "paused_until"),
        Transcript = SqlStore.Text(r, "transcript"),
        TranscriptOffset = r.GetInt64(r.GetOrdinal("transcript_offset")),
    };
}
