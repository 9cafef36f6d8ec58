package io.bidisync.job.sink;

import io.bidisync.embedded.CustomerTables;
import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.golden.WriteIntent.Operation;

import org.apache.flink.metrics.groups.UnregisteredMetricsGroup;
import org.apache.flink.streaming.runtime.tasks.TestProcessingTimeService;

import org.assertj.core.api.AbstractStringAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * What the writer does against a real database, whatever its dialect: the scenarios here run once
 * against PostgreSQL ({@link PostgresWriterTest}) and once against MariaDB ({@link
 * MySqlWriterTest}), which bind the database and keep the cases only their dialect has. The writer
 * is driven by a test clock instead of the task's timers.
 *
 * <p>The table is ERP's {@code client} (sample configuration, {@code write: [insert, update,
 * delete]}, dead letters in ERP's database), holding Ann (1) and Bob (2) at version 1 before every
 * test.
 */
abstract class BaseWriterTest {
    /** A name longer than ERP's {@code name} column takes in either database. */
    private static final String TOO_LONG = "x".repeat(200);

    TestProcessingTimeService time;

    private final List<JdbcSyncWriter> writers = new ArrayList<>();

    /** The configuration the writers run with. */
    abstract SyncConfig config();

    /** A connection to ERP's database, as the tests' own (administrator) session. */
    abstract Connection connect() throws SQLException;

    /**
     * Recreates ERP's {@code client} with Ann and Bob and empties the dead-letter and writes
     * tables.
     */
    abstract void resetTables() throws Exception;

    /** The dialect's identifier quote, for queries of the job's tables. */
    abstract char quote();

    /** The heartbeat row's time as text with microseconds (so that later sorts after). */
    abstract String heartbeatQuery();

    /** How many whole seconds the heartbeat row's time is from the database's clock. */
    abstract String heartbeatAgeQuery();

    /**
     * Checks the dead-letter reason of a value too long for its column, as the database says it.
     */
    abstract void assertTooLong(AbstractStringAssert<?> reason);

    @BeforeEach
    void setUpTables() throws Exception {
        resetTables();
        time = new TestProcessingTimeService();
        time.setCurrentTime(0);
    }

    @AfterEach
    void closeWriters() {
        writers.forEach(JdbcSyncWriter::close);
        writers.clear();
    }

    @Test
    void flushesOnTheTimerAndCountsEveryOutcome() throws Exception {
        JdbcSyncWriter writer = writer(0);
        writer.write(update("1", 1, "ann@example.com", "Ann", "555", "Oslo"), null);
        writer.write(update("2", 7, "bob@example.com", "Bob", null, "Molde"), null);
        writer.write(insert("ann@example.com", " ANN@example.com", "Ann", null, null), null);
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        writer.write(insert("dan@example.com", "Dan@Example.com", "Dan", "777", null), null);
        assertThat(rows()).hasSize(2).allMatch(r -> r.version() == 1);

        time.setCurrentTime(config().writer().flushInterval().toMillis());

        assertThat(rows())
                .extracting(Row::id, Row::email, Row::phone, Row::city, Row::version)
                .containsExactly(
                        tuple("1", "ann@example.com", "555", "Oslo", 2L),
                        tuple("2", "bob@example.com", null, "Bergen", 1L),
                        tuple("3", "cid@example.com", null, "Hamar", 1L),
                        tuple("4", "Dan@Example.com", "777", null, 1L));
        WriteCounters counters = writer.counters();
        assertThat(counters.updates.getCount()).isEqualTo(1);
        assertThat(counters.conflicts.getCount()).isEqualTo(1);
        assertThat(counters.insertsBlocked.getCount()).isEqualTo(1);
        assertThat(counters.inserts.getCount()).isEqualTo(2);
        // The transaction recorded itself, with the source times of what it wrote.
        assertThat(onlyWritesPayload())
                .isEqualTo(
                        "{\"u\":{\"1\":[1,2,3,4],\"2\":[1,2,3,4]},"
                                + "\"i\":{\"ann@example.com\":[0,0,0,0],\"cid@example.com\":[0,0,0,0],"
                                + "\"dan@example.com\":[0,0,0,0]}}");

        // The same inserts again (a replay after a failure): nothing new.
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        writer.write(insert("dan@example.com", "dan@example.com", "Dan", "777", null), null);
        writer.flush(false);
        assertThat(rows()).hasSize(4);
        assertThat(counters.insertsBlocked.getCount()).isEqualTo(3);
        // A second writer subtask upserts its own row of the writes table.
        JdbcSyncWriter second = writer(1);
        second.write(update("1", 2, "ann@example.com", "Ann", "556", "Oslo"), null);
        second.flush(false);
        assertThat(count("SELECT count(*) FROM bidisync_writes")).isEqualTo(2);
        assertThat(rows().get(0).phone()).isEqualTo("556");
    }

    @Test
    void onlyTheLatestIntentPerRowIsWritten() throws Exception {
        JdbcSyncWriter writer = writer(0);
        writer.write(update("1", 1, "ann@example.com", "Ann", null, "Drammen"), null);
        writer.write(update("1", 1, "ann@example.com", "Ann", null, "Hamar"), null);
        writer.flush(false);
        assertThat(rows().get(0).city()).isEqualTo("Hamar");
        assertThat(writer.counters().updates.getCount()).isEqualTo(1);
        assertThat(writer.counters().conflicts.getCount()).isZero();
    }

    @Test
    void deletesOnlyTheVersionLastSeen() throws Exception {
        JdbcSyncWriter writer = writer(0);
        writer.write(delete("1", 3), null);
        writer.write(delete("2", 1), null);
        writer.flush(false);
        assertThat(rows()).extracting(Row::id).containsExactly("1");
        assertThat(writer.counters().deletes.getCount()).isEqualTo(1);
        assertThat(writer.counters().conflicts.getCount()).isEqualTo(1);
    }

    @Test
    void aRowTheColumnCannotHoldIsDeadLetteredAndTheRestIsWritten() throws Exception {
        JdbcSyncWriter writer = writer(0);
        writer.write(update("1", 1, "ann@example.com", TOO_LONG, null, "Oslo"), null);
        writer.write(update("2", 1, "bob@example.com", "Bob", null, "Molde"), null);
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        writer.flush(false);

        assertThat(writer.counters().deadLetters.getCount()).isEqualTo(1);
        assertOneTooLongDeadLetter("1", "update");
        assertThat(rows()).extracting(Row::name).containsExactly("Ann", "Bob", "Cid");
        assertThat(rows().get(1).city()).isEqualTo("Molde");
        assertThat(writer.counters().updates.getCount()).isEqualTo(1);
        assertThat(writer.counters().inserts.getCount()).isEqualTo(1);
    }

    /**
     * An insert the database rejects is dead-lettered by its golden record's key, and the writes
     * table tells the golden stage not to send it again.
     */
    @Test
    void aRejectedInsertIsDeadLetteredAndRecordedForTheGoldenStage() throws Exception {
        JdbcSyncWriter writer = writer(0);
        writer.write(update("2", 1, "bob@example.com", "Bob", null, "Molde"), null);
        writer.write(insert("eve@example.com", "eve@example.com", TOO_LONG, null, null), null);
        writer.flush(false);

        assertThat(writer.counters().deadLetters.getCount()).isEqualTo(1);
        assertOneTooLongDeadLetter("eve@example.com", "insert");
        assertThat(writer.counters().updates.getCount()).isEqualTo(1);
        assertThat(writer.counters().inserts.getCount()).isZero();
        assertThat(rows())
                .extracting(Row::id, Row::city)
                .containsExactly(tuple("1", "Oslo"), tuple("2", "Molde"));
        assertThat(onlyWritesPayload()).isEqualTo("{\"r\":[\"eve@example.com\"]}");
    }

    /**
     * ERP keyed by number and town, the town carrying the city: a row is found by both, its town is
     * never updated, and an insert fills both (the number generated, the town from the city).
     */
    @Test
    void aRowKeyedBySeveralColumnsIsFoundByAllOfThemAndKeepsItsKey() throws Exception {
        SystemConfig erp = config().system("erp");
        Map<String, SystemConfig> systems = new LinkedHashMap<>(config().systems());
        systems.put(
                "erp",
                new SystemConfig(
                        erp.name(),
                        erp.url(),
                        erp.username(),
                        erp.password(),
                        erp.table(),
                        List.of("client_no", "town"),
                        erp.versionColumn(),
                        erp.versionManagedBy(),
                        erp.columns(),
                        erp.write(),
                        erp.deletes(),
                        erp.createPublication(),
                        erp.changeTopic(),
                        erp.lossy()));
        JdbcSyncWriter writer = writer(config().withSystems(systems), 0);
        writer.write(
                update("[\"1\",\"Oslo\"]", 1, "ann@example.com", "Ann", "555", "Drammen"), null);
        writer.write(update("[\"2\",\"Oslo\"]", 1, "bob@example.com", "Bob", "666", "Oslo"), null);
        writer.write(insert("cid@example.com", "cid@example.com", "Cid", null, "Hamar"), null);
        writer.flush(false);

        assertThat(rows())
                .extracting(Row::id, Row::phone, Row::city, Row::version)
                .containsExactly(
                        tuple("1", "555", "Oslo", 2L),
                        tuple("2", null, "Bergen", 1L),
                        tuple("3", null, "Hamar", 1L));
        assertThat(writer.counters().updates.getCount()).isEqualTo(1);
        assertThat(writer.counters().conflicts.getCount()).as("Bob is not in Oslo").isEqualTo(1);
        assertThat(writer.counters().inserts.getCount()).isEqualTo(1);
        writer.write(delete("[\"3\",\"Hamar\"]", 1), null);
        writer.flush(false);
        assertThat(rows()).extracting(Row::id).containsExactly("1", "2");
    }

    @Test
    void writesTheHeartbeatEveryIntervalWithTheDatabasesClock() throws Exception {
        writer(0);
        String before = heartbeat();
        Thread.sleep(20);
        time.setCurrentTime(config().completeness().heartbeatInterval().toMillis());
        String after = heartbeat();
        assertThat(after).isGreaterThan(before);
        Thread.sleep(20);
        time.setCurrentTime(2 * config().completeness().heartbeatInterval().toMillis());
        assertThat(heartbeat()).isGreaterThan(after);
        assertThat(count("SELECT count(*) FROM bidisync_heartbeat")).isEqualTo(1);
        assertThat(count(heartbeatAgeQuery())).isLessThan(5);
    }

    /** A writer of ERP with the test's configuration, closed after the test. */
    JdbcSyncWriter writer(int subtask) throws Exception {
        return writer(config(), subtask);
    }

    /** A writer of ERP with another configuration, closed after the test. */
    JdbcSyncWriter writer(SyncConfig config, int subtask) throws Exception {
        JdbcSyncWriter writer =
                new JdbcSyncWriter(
                        config,
                        config.system("erp"),
                        time,
                        new UnregisteredMetricsGroup(),
                        subtask);
        writers.add(writer);
        return writer;
    }

    static WriteIntent update(String id, long version, String... values) {
        return new WriteIntent(
                "erp",
                Operation.UPDATE,
                values[0],
                id,
                version,
                new String[0],
                values,
                new long[] {1, 2, 3, 4},
                0);
    }

    static WriteIntent insert(String key, String... values) {
        return new WriteIntent(
                "erp", Operation.INSERT, key, null, null, new String[0], values, new long[4], 0);
    }

    static WriteIntent delete(String id, long version) {
        return new WriteIntent(
                "erp",
                Operation.DELETE,
                "x",
                id,
                version,
                new String[4],
                new String[4],
                new long[4],
                0);
    }

    List<Row> rows() throws Exception {
        try (Connection c = connect()) {
            return CustomerTables.erpRows(c);
        }
    }

    String heartbeat() throws Exception {
        try (Connection c = connect();
                ResultSet rs = c.createStatement().executeQuery(heartbeatQuery())) {
            rs.next();
            return rs.getString(1);
        }
    }

    long count(String query) throws Exception {
        try (Connection c = connect();
                ResultSet rs = c.createStatement().executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Checks that the writes table has exactly one row, writer subtask 0's, and returns its payload
     * without the stamp (which keeps any two payloads apart: MySQL logs no change for a no-op
     * UPDATE).
     */
    private String onlyWritesPayload() throws Exception {
        try (Connection c = connect();
                ResultSet rs =
                        c.createStatement()
                                .executeQuery("SELECT id, payload FROM bidisync_writes")) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isZero();
            String payload = rs.getString(2);
            assertThat(rs.next()).isFalse();
            return payload.replaceFirst("^\\{\"at\":-?\\d+,", "{");
        }
    }

    /**
     * Checks that the dead-letter table holds exactly one letter: of ERP, the row or golden key,
     * the operation, a value too long for its column as the reason, the row it meant to write.
     */
    private void assertOneTooLongDeadLetter(String key, String operation) throws Exception {
        String q = String.valueOf(quote());
        try (Connection c = connect();
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        ("SELECT %ssystem%s, %skey%s, operation, reason, payload"
                                                        + " FROM bidisync_dead_letter")
                                                .formatted(q, q, q, q))) {
            assertThat(rs.next()).isTrue();
            assertThat(rs.getString(1)).isEqualTo("erp");
            assertThat(rs.getString(2)).isEqualTo(key);
            assertThat(rs.getString(3)).isEqualTo(operation);
            assertTooLong(assertThat(rs.getString(4)));
            assertThat(rs.getString(5)).contains("name=" + TOO_LONG);
            assertThat(rs.next()).isFalse();
        }
    }
}
