package io.bidisync.bench;

import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.SyncRun;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the audit trail the test fixtures put on every table ({@code bidisync_audit}: each row
 * change with the writer's application name and transaction id). The servers track commit
 * timestamps, so every change has its real commit time: latencies are commit to commit, measured by
 * the databases, not by the benchmark's threads.
 */
final class AuditLog {
    /** The application name of the benchmark's own writers. */
    static final String WRITER = "bench-writer";

    private AuditLog() {}

    /** The one number {@code sql} returns in the system's database, parameters bound in order. */
    static long number(SyncRun run, String system, String sql, Object... parameters)
            throws SQLException {
        try (Connection c = run.connect(system);
                PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setObject(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The last change's sequence number in the system's audit trail. */
    static long lastSeq(SyncRun run, String system) throws SQLException {
        return number(run, system, "SELECT coalesce(max(seq), 0) FROM bidisync_audit");
    }

    /** How many changes {@code app} made after {@code afterSeq}. */
    static long count(SyncRun run, String system, String app, long afterSeq) throws SQLException {
        return number(
                run,
                system,
                "SELECT count(*) FROM bidisync_audit WHERE seq > ? AND app = ?",
                afterSeq,
                app);
    }

    /** The commit time (µs since the epoch) of the last change {@code app} made; 0 if none. */
    static long lastCommitMicros(SyncRun run, String system, String app) throws SQLException {
        return number(
                run,
                system,
                "SELECT coalesce(max("
                        + AuditEvent.COMMIT_MICROS
                        + "), 0)"
                        + " FROM bidisync_audit WHERE app = ?",
                app);
    }

    /**
     * The commit time of the first change by {@code app} after {@code afterSeq} that set the column
     * {@code phone} to each value.
     */
    static Map<String, Long> phoneCommits(SyncRun run, String system, String app, long afterSeq)
            throws SQLException {
        Map<String, Long> commits = new HashMap<>();
        try (Connection c = run.connect(system);
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT new_row->>'phone', "
                                        + AuditEvent.COMMIT_MICROS
                                        + " FROM bidisync_audit WHERE seq > ? AND app = ?"
                                        + " AND new_row->>'phone' IS NOT NULL ORDER BY seq")) {
            ps.setLong(1, afterSeq);
            ps.setString(2, app);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    commits.putIfAbsent(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return commits;
    }
}
