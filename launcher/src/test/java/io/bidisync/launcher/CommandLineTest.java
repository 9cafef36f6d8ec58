package io.bidisync.launcher;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestConfigs;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The command line against real PostgreSQL: what it prints, its exit code, what it leaves alone.
 */
class CommandLineTest {
    private static LocalPostgres pg;

    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @BeforeAll
    static void startDatabase() throws Exception {
        pg = LocalPostgres.start("cli");
        pg.createDatabase("crm");
        pg.createDatabase("erp");
        pg.execute("crm", SyncedSystem.crm().ddl());
        pg.execute("erp", SyncedSystem.erp().ddl());
    }

    @AfterAll
    static void stopDatabase() throws Exception {
        pg.close();
    }

    private int run(String... args) throws Exception {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("sync.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private String goodYaml() {
        return TestConfigs.crmErpYaml(pg.jdbcUrl("crm"), pg.jdbcUrl("erp"), "");
    }

    @Test
    void badConfigIsRejectedWithEveryProblemAndNothingStarts() throws Exception {
        String yaml =
                goodYaml()
                        .replace("default: most-recent", "default: newest")
                        .replace("priority: [crm, erp]", "priority: [crm, sap]")
                        .replace(
                                "primary-key: client_no",
                                "primary-key: \"client_no; DROP TABLE client\"");
        int code = run("run", "--config", write(yaml).toString());

        assertThat(code).isEqualTo(Main.PROBLEMS);
        assertThat(err.toString(StandardCharsets.UTF_8).lines())
                .contains(
                        "  survivorship.default: unknown rule 'newest' (use most-recent or priority)",
                        "  survivorship.priority: names unknown system 'sap' (systems: [crm, erp])")
                .anyMatch(
                        l -> l.startsWith("  systems.erp.primary-key: not a valid SQL identifier"))
                .anyMatch(l -> l.endsWith("3 problems, nothing was started:"));
        // Nothing was created in the databases: no heartbeat table, no replication slot.
        assertThat(
                        count(
                                "crm",
                                "SELECT count(*) FROM pg_tables WHERE tablename = 'bidisync_heartbeat'"))
                .isZero();
        assertThat(count("crm", "SELECT count(*) FROM pg_replication_slots")).isZero();
    }

    @Test
    void validateReportsWhatTheDatabasesLack() throws Exception {
        String yaml =
                goodYaml()
                        .replace("city: town }", "city: city }")
                        .replace("version-column: version\n", "version-column: revision\n")
                        .replace("table: public.client", "table: public.clients");
        assertThat(run("validate", "--config", write(yaml).toString())).isEqualTo(Main.PROBLEMS);
        assertThat(err.toString(StandardCharsets.UTF_8).lines())
                .contains(
                        "  systems.crm.version-column: column 'revision' does not exist in public.customer",
                        "  systems.erp.table: table public.clients does not exist (or the user cannot see it)");
    }

    @Test
    void validateReportsAMissingColumn() throws Exception {
        String yaml = goodYaml().replace("city: town }", "city: city }");
        assertThat(run("validate", "--config", write(yaml).toString())).isEqualTo(Main.PROBLEMS);
        assertThat(err.toString(StandardCharsets.UTF_8).lines())
                .containsExactly(
                        write(yaml) + ": 1 problem, nothing was started:",
                        "  systems.erp.columns.city: column 'city' does not exist in public.client");
    }

    @Test
    void validateAcceptsAGoodSetupAndChangesNothing() throws Exception {
        assertThat(run("validate", "--config", write(goodYaml()).toString())).isEqualTo(Main.OK);
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(printed).contains(": OK (2 systems: crm, erp)");
        assertThat(printed)
                .contains("public.bidisync_heartbeat does not exist yet")
                .contains("public.bidisync_writes does not exist yet");
        assertThat(printed).doesNotContain("no index on the normalised match key");
        assertThat(
                        count(
                                "crm",
                                "SELECT count(*) FROM pg_tables WHERE tablename = 'bidisync_heartbeat'"))
                .isZero();
    }

    @Test
    void validateWarnsAboutAMissingKeyIndex() throws Exception {
        pg.execute("erp", "DROP INDEX client_mail_key");
        try {
            assertThat(run("validate", "--config", write(goodYaml()).toString()))
                    .isEqualTo(Main.OK);
            assertThat(out.toString(StandardCharsets.UTF_8))
                    .contains("warning: systems.erp.table: no index on the normalised match key")
                    .contains(
                            "CREATE INDEX ON \"public\".\"client\" ((CASE WHEN octet_length(CAST(\"mail\" AS text))");
        } finally {
            pg.execute(
                    "erp",
                    SyncedSystem.erp()
                            .ddl()
                            .substring(SyncedSystem.erp().ddl().indexOf("CREATE INDEX")));
        }
    }

    @Test
    void unknownCommandPrintsUsage() throws Exception {
        assertThat(run("sync")).isEqualTo(Main.USAGE);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage: bidisync demo");
        assertThat(run()).isEqualTo(Main.USAGE);
    }

    @Test
    void explainPendingAndConfirmSayWhatIsMissing() throws Exception {
        Path config = write(goodYaml());
        assertThat(run("explain", "--config", config.toString())).isEqualTo(Main.USAGE);
        assertThat(run("explain", "--config", config.toString(), "--key", "a@b.no"))
                .isEqualTo(Main.PROBLEMS);
        assertThat(run("pending", "--config", config.toString())).isEqualTo(Main.PROBLEMS);
        assertThat(run("confirm", "--config", config.toString(), "--system", "hr"))
                .isEqualTo(Main.PROBLEMS);
        assertThat(err.toString(StandardCharsets.UTF_8).lines())
                .contains(
                        "audit: explain reads the write audit; switch it on with 'audit: true'",
                        "safety: no mass-change breaker configured, so nothing is held back",
                        "unknown system 'hr' (systems: [crm, erp])");
    }

    private long count(String database, String sql) throws Exception {
        try (Connection c = pg.connect(database);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
