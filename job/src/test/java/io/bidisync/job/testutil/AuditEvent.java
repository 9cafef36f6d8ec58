package io.bidisync.job.testutil;

import io.bidisync.udfs.normalize.Normalizer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * One row change as the audit trigger recorded it: before and after (in attribute order, null where
 * unmapped or absent), who made it, and when its transaction committed.
 *
 * @param commitMicros commit time of the transaction, µs since the epoch (the servers share a
 *     clock)
 */
public record AuditEvent(
        String system,
        long seq,
        String op,
        String pk,
        String[] before,
        String[] after,
        Long versionBefore,
        Long versionAfter,
        boolean byJob,
        long commitMicros) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * SQL for the commit time of an audit row's transaction, µs since the epoch (the servers track
     * commit timestamps; {@code txid_current()} carries an epoch above the 32-bit xid).
     */
    public static final String COMMIT_MICROS =
            "(extract(epoch FROM pg_xact_commit_timestamp(((xid % 4294967296)::text)::xid))"
                    + " * 1000000)::bigint";

    public boolean isInsert() {
        return op.equals("INSERT");
    }

    public boolean isUpdate() {
        return op.equals("UPDATE");
    }

    public boolean isDelete() {
        return op.equals("DELETE");
    }

    /** The normalised match key before the change; null for inserts or without a key. */
    public String keyBefore() {
        return before == null ? null : Normalizer.EMAIL.normalize(before[0]);
    }

    /** The normalised match key after the change; null for deletes or without a key. */
    public String keyAfter() {
        return after == null ? null : Normalizer.EMAIL.normalize(after[0]);
    }

    /** Whether the change is about a {@link Canary}: its key before and after is one's, or none. */
    public boolean isCanary() {
        String before = keyBefore();
        String after = keyAfter();
        return (before != null || after != null)
                && (before == null || Canary.isCanary(before))
                && (after == null || Canary.isCanary(after));
    }

    static List<AuditEvent> read(SyncRun run, String system) throws SQLException {
        return read(run, system, 0);
    }

    /** The changes after the one numbered {@code afterSeq}. */
    static List<AuditEvent> read(SyncRun run, String system, long afterSeq) throws SQLException {
        SyncedSystem s = run.system(system);
        String sql =
                "SELECT seq, op, pk, old_row::text, new_row::text, app,"
                        + COMMIT_MICROS
                        + " FROM bidisync_audit WHERE seq > "
                        + afterSeq
                        + " ORDER BY seq";
        List<AuditEvent> events = new ArrayList<>();
        try (Connection c = run.connect(system);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                JsonNode before = json(rs.getString(4));
                JsonNode after = json(rs.getString(5));
                events.add(
                        new AuditEvent(
                                system,
                                rs.getLong(1),
                                rs.getString(2),
                                rs.getString(3),
                                values(s, before),
                                values(s, after),
                                version(s, before),
                                version(s, after),
                                "bidisync".equals(rs.getString(6)),
                                rs.getLong(7)));
            }
        }
        return events;
    }

    private static JsonNode json(String text) {
        try {
            return text == null ? null : JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String[] values(SyncedSystem system, JsonNode row) {
        if (row == null) {
            return null;
        }
        String[] values = new String[SyncedSystem.ATTRIBUTES.size()];
        for (int i = 0; i < values.length; i++) {
            String column = system.column(SyncedSystem.ATTRIBUTES.get(i));
            JsonNode v = column == null ? null : row.get(column);
            values[i] = v == null || v.isNull() ? null : v.asText();
        }
        return values;
    }

    private static Long version(SyncedSystem system, JsonNode row) {
        JsonNode v = row == null ? null : row.get(system.versionColumn());
        return v == null || v.isNull() ? null : v.asLong();
    }
}
