package io.bidisync.job.safety;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.golden.WriteIntent.Operation;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.RecordingConnection;
import io.bidisync.job.testutil.ReservedNames;
import io.bidisync.job.testutil.SqlQuoting;
import io.bidisync.job.testutil.TestServers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.Connection;
import java.sql.Statement;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The mass-change breaker's tables: what the job records when it trips and holds writes, what
 * {@code pending} reads and what {@code confirm} sets, with every identifier quoted (MySQL 8
 * reserves {@code SYSTEM}, the name of their key column) — on the SQL text in both dialects, and
 * against a real PostgreSQL and a real MariaDB in schemas named by reserved words.
 */
class BreakerTablesTest {

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://localhost:1/db", "jdbc:mariadb://localhost:1/db"})
    void everyStatementQuotesItsIdentifiers(String url) throws Exception {
        SyncConfig config = ReservedNames.config(url, "user", "select");
        SystemConfig system = config.system("crm");
        RecordingConnection recording = RecordingConnection.empty();
        Connection c = recording.connection();
        BreakerTables.tripped(c, system, 5);
        BreakerTables.held(c, system, List.of(heldUpdate(system)), 1);
        BreakerTables.confirmed(c, system);
        BreakerTables.confirm(c, system);
        BreakerTables.heldWrites(c, system);
        BreakerTables.released(c, system);

        char quote = SqlDialect.of(system) == SqlDialect.POSTGRES ? '"' : '`';
        assertThat(SqlQuoting.unquoted(recording.statements(), quote))
                .as("unquoted identifiers per statement")
                .isEmpty();
    }

    @Test
    void tripPendingConfirmAndReleaseOnPostgres() throws Exception {
        LocalPostgres pg = TestServers.of("reserved");
        try (Connection c = pg.connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS breaker");
        }
        pg.createDatabase("breaker");
        pg.execute("breaker", "CREATE SCHEMA \"user\"; CREATE SCHEMA \"select\"");
        tripPendingConfirmAndRelease(ReservedNames.config(pg.jdbcUrl("breaker"), "user", "select"));
    }

    @Test
    void tripPendingConfirmAndReleaseOnMariaDb() throws Exception {
        LocalMariaDb db = LocalMariaDb.shared();
        db.execute(
                "",
                "DROP DATABASE IF EXISTS `user`; CREATE DATABASE `user` CHARACTER SET utf8mb4;"
                        + " DROP DATABASE IF EXISTS `select`; CREATE DATABASE `select` CHARACTER SET utf8mb4");
        SyncConfig config = ReservedNames.config(db.jdbcUrl("user"), "user", "select");
        List<String> sent = db.jobStatements(() -> tripPendingConfirmAndRelease(config));
        assertThat(sent).anyMatch(sql -> sql.contains("bidisync_breaker"));
        assertThat(SqlQuoting.unquoted(sent, '`')).isEmpty();
    }

    private static void tripPendingConfirmAndRelease(SyncConfig config) throws Exception {
        JobTables.ensure(config);
        SystemConfig system = config.system("crm");
        WriteIntent held = heldUpdate(system);
        try (Connection c = Database.connect(system)) {
            c.setAutoCommit(true);
            assertThat(BreakerTables.state(c, system)).isNull();
            BreakerTables.tripped(c, system, 5);
            BreakerTables.held(c, system, List.of(held), 1);

            // What `pending` shows.
            BreakerTables.State state = BreakerTables.state(c, system);
            assertThat(state.system()).isEqualTo("crm");
            assertThat(state.limit()).isEqualTo(5);
            assertThat(state.held()).isEqualTo(1);
            assertThat(state.confirmedAt()).isNull();
            assertThat(BreakerTables.heldWrites(c, system))
                    .singleElement()
                    .satisfies(
                            w -> {
                                assertThat(w.operation()).isEqualTo(Operation.UPDATE);
                                assertThat(w.goldenKey()).isEqualTo(held.goldenKey());
                                assertThat(w.localId()).isEqualTo("7");
                                assertThat(w.expectedVersion()).isEqualTo(3L);
                                assertThat(w.values()).containsExactly(held.values());
                            });
            assertThat(BreakerTables.confirmed(c, system)).isFalse();

            // What `confirm` sets, and what the job sees at its next look.
            assertThat(BreakerTables.confirm(system)).isTrue();
            assertThat(BreakerTables.confirmed(c, system)).isTrue();
            assertThat(BreakerTables.confirm(config.system("erp"))).isFalse();

            BreakerTables.released(c, system);
            assertThat(BreakerTables.state(c, system)).isNull();
            assertThat(BreakerTables.heldWrites(c, system)).isEmpty();
        }
    }

    private static WriteIntent heldUpdate(SystemConfig system) {
        return new WriteIntent(
                system.name(),
                Operation.UPDATE,
                "ann@example.com",
                "7",
                3L,
                new String[] {"ann@example.com", "Ann", null, "Oslo"},
                new String[] {"ann@example.com", "Ann", null, "OSLO"},
                new long[4],
                0L);
    }
}
