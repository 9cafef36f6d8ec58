package io.bidisync.job.safety;

import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.golden.WriteIntent;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The mass-change breaker's tables in a system's database: its state ({@code bidisync_breaker}:
 * when it tripped, the limit, how many writes it holds, the operator's confirmation) and the held
 * writes themselves ({@code bidisync_held_writes}), for {@code bidisync pending}. The held writes
 * that count are in the job's state; the table is their report.
 */
public final class BreakerTables {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A held write as reported, in the order {@link #heldWrites} reads it. */
    private static final String[] HELD_WRITE_COLUMNS = {
        "golden_id", "operation", "row_id", "expected_version", "expected_values", "vals"
    };

    /**
     * A system's breaker as stored.
     *
     * @param confirmedAt when an operator confirmed the held writes; {@code null} if not yet
     */
    public record State(
            String system, Instant trippedAt, long limit, long held, Instant confirmedAt) {}

    private BreakerTables() {}

    /** Records that the breaker of {@code system} tripped (again), not confirmed. */
    static void tripped(Connection c, SystemConfig system, long limit) throws SQLException {
        SqlDialect dialect = SqlDialect.of(system);
        String table = dialect.quote(JobTables.breaker(system));
        try (PreparedStatement delete =
                        c.prepareStatement("DELETE FROM " + table + whereSystem(dialect));
                PreparedStatement insert =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + table
                                        + " ("
                                        + dialect.quoteAll(
                                                "system", "tripped_at", "write_limit", "held")
                                        + ") VALUES (?, ?, ?, 0)")) {
            delete.setString(1, system.name());
            delete.executeUpdate();
            insert.setString(1, system.name());
            insert.setTimestamp(2, Timestamp.from(Instant.now()));
            insert.setLong(3, limit);
            insert.executeUpdate();
        }
    }

    /**
     * Adds held writes to the report, each replacing what the report held for its target row, and
     * stores how many are held in all.
     */
    static void held(Connection c, SystemConfig system, List<WriteIntent> writes, long total)
            throws SQLException {
        SqlDialect dialect = SqlDialect.of(system);
        String operation = dialect.quote("operation");
        try (PreparedStatement replaced =
                        c.prepareStatement(
                                "DELETE FROM "
                                        + dialect.quote(JobTables.heldWrites(system))
                                        + whereSystem(dialect)
                                        + " AND (("
                                        + operation
                                        + " = 'INSERT' AND "
                                        + dialect.quote("golden_id")
                                        + " = ?) OR ("
                                        + operation
                                        + " <> 'INSERT' AND "
                                        + dialect.quote("row_id")
                                        + " = ?))");
                PreparedStatement insert =
                        c.prepareStatement(
                                "INSERT INTO "
                                        + dialect.quote(JobTables.heldWrites(system))
                                        + " ("
                                        + dialect.quoteAll(HELD_WRITE_COLUMNS)
                                        + ", "
                                        + dialect.quote("system")
                                        + ") VALUES (?, ?, ?, ?, ?, ?, ?)");
                PreparedStatement count =
                        c.prepareStatement(
                                "UPDATE "
                                        + dialect.quote(JobTables.breaker(system))
                                        + " SET "
                                        + dialect.quote("held")
                                        + " = ?"
                                        + whereSystem(dialect))) {
            for (WriteIntent w : writes) {
                boolean insertion = w.operation() == WriteIntent.Operation.INSERT;
                replaced.setString(1, system.name());
                replaced.setString(2, insertion ? w.goldenKey() : "");
                replaced.setString(3, insertion ? "" : w.localId());
                replaced.addBatch();
                insert.setString(1, w.goldenKey());
                insert.setString(2, w.operation().name());
                insert.setString(3, w.localId());
                if (w.expectedVersion() == null) {
                    insert.setNull(4, Types.BIGINT);
                } else {
                    insert.setLong(4, w.expectedVersion());
                }
                insert.setString(5, json(w.expectedValues()));
                insert.setString(6, json(w.values()));
                insert.setString(7, system.name());
                insert.addBatch();
            }
            replaced.executeBatch();
            insert.executeBatch();
            count.setLong(1, total);
            count.setString(2, system.name());
            count.executeUpdate();
        }
    }

    /** Whether an operator confirmed the held writes of {@code system}. */
    static boolean confirmed(Connection c, SystemConfig system) throws SQLException {
        State state = state(c, system);
        return state != null && state.confirmedAt() != null;
    }

    /** Forgets the breaker and its report: the held writes were released. */
    static void released(Connection c, SystemConfig system) throws SQLException {
        SqlDialect dialect = SqlDialect.of(system);
        for (String table :
                List.of(
                        dialect.quote(JobTables.heldWrites(system)),
                        dialect.quote(JobTables.breaker(system)))) {
            try (PreparedStatement st =
                    c.prepareStatement("DELETE FROM " + table + whereSystem(dialect))) {
                st.setString(1, system.name());
                st.executeUpdate();
            }
        }
    }

    /** The stored breaker of {@code system}; {@code null} when it has not tripped. */
    public static State state(Connection c, SystemConfig system) throws SQLException {
        SqlDialect dialect = SqlDialect.of(system);
        try (PreparedStatement st =
                c.prepareStatement(
                        "SELECT "
                                + dialect.quoteAll(
                                        "tripped_at", "write_limit", "held", "confirmed_at")
                                + " FROM "
                                + dialect.quote(JobTables.breaker(system))
                                + whereSystem(dialect))) {
            st.setString(1, system.name());
            try (ResultSet rs = st.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                Timestamp confirmed = rs.getTimestamp(4);
                return new State(
                        system.name(),
                        rs.getTimestamp(1).toInstant(),
                        rs.getLong(2),
                        rs.getLong(3),
                        confirmed == null ? null : confirmed.toInstant());
            }
        }
    }

    /**
     * Confirms the held writes of {@code system}: the job releases them at its next look. Returns
     * whether there was a tripped breaker to confirm.
     */
    public static boolean confirm(SystemConfig system) throws SQLException {
        try (Connection c = Database.connect(system)) {
            return confirm(c, system);
        }
    }

    static boolean confirm(Connection c, SystemConfig system) throws SQLException {
        SqlDialect dialect = SqlDialect.of(system);
        try (PreparedStatement st =
                c.prepareStatement(
                        "UPDATE "
                                + dialect.quote(JobTables.breaker(system))
                                + " SET "
                                + dialect.quote("confirmed_at")
                                + " = ?"
                                + whereSystem(dialect))) {
            st.setTimestamp(1, Timestamp.from(Instant.now()));
            st.setString(2, system.name());
            int rows = st.executeUpdate();
            if (!c.getAutoCommit()) {
                c.commit();
            }
            return rows > 0;
        }
    }

    /** The held writes of {@code system} as reported, oldest first. */
    public static List<WriteIntent> heldWrites(Connection c, SystemConfig system)
            throws SQLException {
        List<WriteIntent> out = new ArrayList<>();
        SqlDialect dialect = SqlDialect.of(system);
        try (PreparedStatement st =
                c.prepareStatement(
                        "SELECT "
                                + dialect.quoteAll(HELD_WRITE_COLUMNS)
                                + " FROM "
                                + dialect.quote(JobTables.heldWrites(system))
                                + whereSystem(dialect)
                                + " ORDER BY "
                                + dialect.quote("seq"))) {
            st.setString(1, system.name());
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long version = rs.getLong(4);
                    Long expectedVersion = rs.wasNull() ? null : version;
                    out.add(
                            new WriteIntent(
                                    system.name(),
                                    WriteIntent.Operation.valueOf(rs.getString(2)),
                                    rs.getString(1),
                                    rs.getString(3),
                                    expectedVersion,
                                    strings(rs.getString(5)),
                                    strings(rs.getString(6)),
                                    new long[0],
                                    0L));
                }
            }
        }
        return out;
    }

    /** The condition on a breaker table's system column; its parameter: the system's name. */
    private static String whereSystem(SqlDialect dialect) {
        return " WHERE " + dialect.quote("system") + " = ?";
    }

    private static String json(String[] values) {
        try {
            return JSON.writeValueAsString(values);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String[] strings(String json) throws SQLException {
        try {
            return json == null ? new String[0] : JSON.readValue(json, String[].class);
        } catch (JsonProcessingException e) {
            throw new SQLException("unreadable held write: " + e.getMessage(), e);
        }
    }
}
