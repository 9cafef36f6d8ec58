package io.bidisync.job.database;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.sink.SqlStatements;
import io.bidisync.job.testutil.RecordingConnection;
import io.bidisync.job.testutil.ReservedNames;
import io.bidisync.job.testutil.SqlQuoting;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.validation.DatabaseValidator;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every statement the job builds quotes every table, schema and column it names, in both dialects,
 * checked on the SQL text without a database: a name reserved only by a server not at hand (MySQL
 * 8's {@code SYSTEM}) is covered all the same. The configuration's names are all reserved words
 * ({@link ReservedNames}); the job's own tables and columns are fixed names.
 */
class GeneratedSqlQuotingTest {

    @ParameterizedTest
    @ValueSource(strings = {"jdbc:postgresql://localhost:1/db", "jdbc:mariadb://localhost:1/db"})
    void everyIdentifierIsQuoted(String url) throws Exception {
        SyncConfig config = ReservedNames.config(url, "user", "select");
        SqlDialect dialect = SqlDialect.of(config.system("crm"));
        char quote = dialect == SqlDialect.POSTGRES ? '"' : '`';
        Map<String, String> statements = statements(config, dialect);
        SyncConfig versionless =
                TestConfigs.parse(
                        ReservedNames.yaml(url, "user", "select")
                                .replace("    version-column: limit\n", ""));
        SqlStatements withoutVersion = sqlStatements(versionless, versionless.system("crm"));
        statements.put("update without version", withoutVersion.update());
        statements.put("delete without version", withoutVersion.delete());

        // The recorded ones are there: the heartbeat row's seed, the privilege probes.
        assertThat(statements.values())
                .anyMatch(sql -> sql.endsWith(" (" + quote + "id" + quote + ") VALUES (1)"))
                .anyMatch(sql -> sql.contains("SELECT count(*) FROM"));
        Map<String, List<String>> unquoted = new LinkedHashMap<>();
        statements.forEach(
                (what, sql) -> {
                    List<String> words = SqlQuoting.unquotedWords(sql, quote);
                    if (!words.isEmpty()) {
                        unquoted.put(what + ": " + sql, words);
                    }
                });
        assertThat(unquoted).as("unquoted identifiers per statement").isEmpty();
    }

    private static Map<String, String> statements(SyncConfig config, SqlDialect dialect)
            throws SQLException {
        Map<String, String> all = new LinkedHashMap<>();
        for (SystemConfig system : config.systems().values()) {
            String s = system.name() + " ";
            SqlStatements sql = sqlStatements(config, system);
            all.put(s + "update", sql.update());
            all.put(s + "insert", sql.insert());
            all.put(s + "delete", sql.delete());
            all.put(
                    s + "guarded keys (plan)",
                    SqlStatements.guardedKeys(
                            system, system.mapping(config.attributes()), config.matchKey()));
            all.put(s + "heartbeat", JobTables.beatSql(config, system));
            all.put(s + "mark writes", JobTables.markWritesSql(config, system));
            all.put(
                    s + "create heartbeat table",
                    dialect.ddl().createHeartbeatTable(JobTables.heartbeat(config, system)));
            all.put(
                    s + "create writes table",
                    dialect.ddl().createWritesTable(JobTables.writes(config, system)));
            all.put(
                    s + "create breaker table",
                    dialect.ddl().createBreakerTable(JobTables.breaker(system)));
            all.put(
                    s + "create held-writes table",
                    dialect.ddl().createHeldWritesTable(JobTables.heldWrites(system)));
            String column = system.columns().get(config.matchKey().parts().get(0).attribute());
            String key =
                    dialect.normalized(
                            config.matchKey().parts().get(0).normalizer(), dialect.quote(column));
            String advice = dialect.catalog().keyIndexAdvice(system.table(), column, key);
            // The advice may end in prose for the reader.
            all.put(s + "key index advice", advice.replaceFirst(" \\((MySQL|MariaDB).*$", ""));
            RecordingConnection recording = RecordingConnection.empty();
            for (String privilege : List.of("SELECT", "INSERT", "UPDATE", "DELETE")) {
                dialect.catalog()
                        .hasPrivilege(recording.connection(), system.table(), privilege, column);
            }
            dialect.catalog().keyLookupUsesIndex(recording.connection(), system.table(), key);
            Database.rowCount(recording.connection(), system);
            List<String> recorded = recording.statements();
            for (int i = 0; i < recorded.size(); i++) {
                all.put(s + "checks #" + i, recorded.get(i));
            }
        }
        all.put("insert dead letter", JobTables.insertDeadLetterSql(config));
        // The heartbeat row is missing (count 0); so are the tables (the catalog knows none).
        RecordingConnection ensured =
                RecordingConnection.answering(
                        sql ->
                                sql.startsWith("SELECT count(*)")
                                        ? List.<Object[]>of(new Object[] {0})
                                        : List.<Object[]>of());
        JobTables.ensure(config, system -> ensured.connection());
        // The catalog query names the catalog's own tables and columns, not the job's.
        List<String> recorded =
                ensured.statements().stream()
                        .filter(sql -> !sql.equals(dialect.catalog().columnsSql()))
                        .toList();
        for (int i = 0; i < recorded.size(); i++) {
            all.put("ensure #" + i, recorded.get(i));
        }
        if (dialect == SqlDialect.POSTGRES) {
            all.put(
                    "publication advice",
                    DatabaseValidator.createPublication(
                            "bidisync_reserved_crm",
                            JobTables.captured(config, config.system("crm"))));
        }
        if (config.audit() != null) {
            all.put("insert audit entry", JobTables.insertAuditSql(config));
            all.put("select audit entries", JobTables.selectAuditSql(config));
        }
        return all;
    }

    /** The synced table's statements, with the columns as the catalog would describe them. */
    static SqlStatements sqlStatements(SyncConfig config, SystemConfig system) throws SQLException {
        SqlDialect dialect = SqlDialect.of(system);
        boolean postgres = dialect == SqlDialect.POSTGRES;
        String integer = postgres ? "integer" : "int";
        String text = postgres ? "text" : "varchar";
        RecordingConnection catalog =
                RecordingConnection.answering(
                        sql ->
                                List.of(
                                        new Object[] {
                                            ReservedNames.PRIMARY_KEY,
                                            integer,
                                            true,
                                            true,
                                            -1,
                                            -1,
                                            -1
                                        },
                                        new Object[] {
                                            ReservedNames.VERSION, integer, true, true, -1, -1, -1
                                        },
                                        new Object[] {
                                            ReservedNames.EMAIL, text, false, false, -1, -1, -1
                                        },
                                        new Object[] {
                                            ReservedNames.NAME, text, false, false, -1, -1, -1
                                        },
                                        new Object[] {
                                            ReservedNames.PHONE, text, false, false, -1, -1, -1
                                        },
                                        new Object[] {
                                            ReservedNames.CITY, text, false, false, -1, -1, -1
                                        }));
        return new SqlStatements(
                system,
                system.mapping(config.attributes()),
                config.matchKey(),
                TableColumns.read(dialect, catalog.connection(), system.table()));
    }
}
