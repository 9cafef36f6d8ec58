package io.bidisync.launcher;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.embedded.SampleCustomers;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestServers;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The job as a user runs it ({@code bidisync run} in its own JVM, the password in an environment
 * variable) with a least-privilege database user: it syncs, and the password appears in no log
 * line, no output and no configuration the REST API shows. The test servers ask that user for its
 * password ({@code scram-sha-256}, see {@link TestServers}): the password given through {@code
 * ${VAR}} really authenticates it, and a wrong one is refused with a clear message.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class SecurityITCase {
    private static final String PASSWORD = "Kj8-bidisync-secret-7Qx";

    /** What a user who mistyped it gives: the same user, another password. */
    private static final String WRONG_PASSWORD = "Kj8-bidisync-guess-4Zt";

    /**
     * The password from its first {@code s} on: what a mask that stops at an {@code s} (a {@code
     * \s} read as a plain {@code s} from a properties file) would leave in the log.
     */
    private static final String PASSWORD_TAIL = PASSWORD.substring(PASSWORD.indexOf('s'));

    private static final String DATABASE = "secure";

    /** Where the wrong password is tried: prepared the same way. */
    private static final String CHECKED_DATABASE = "secure_check";

    @TempDir Path dir;

    /**
     * What a DBA prepares for a least-privilege user: replication, SELECT on what is read,
     * INSERT/UPDATE on what is written, the job's own tables and the publication.
     */
    private static void prepare(
            LocalPostgres server, String database, SyncedSystem system, String seed)
            throws Exception {
        String table = system.table();
        String publication = "bidisync_secure_" + system.name();
        server.createDatabase(database);
        server.execute(
                database,
                system.ddl()
                        + ";"
                        + seed
                        + ";"
                        + " CREATE TABLE bidisync_heartbeat (id integer PRIMARY KEY, ts timestamptz NOT NULL DEFAULT now());"
                        + " INSERT INTO bidisync_heartbeat (id) VALUES (1);"
                        + " CREATE TABLE bidisync_writes (id integer PRIMARY KEY, payload text NOT NULL);"
                        + " DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'sync') THEN"
                        + "   CREATE ROLE sync LOGIN REPLICATION PASSWORD '"
                        + PASSWORD
                        + "'; END IF; END $$;"
                        + " GRANT USAGE ON SCHEMA public TO sync;"
                        + " GRANT SELECT, INSERT, UPDATE ON "
                        + table
                        + " TO sync;"
                        + " GRANT USAGE ON SEQUENCE "
                        + table
                        + "_"
                        + system.primaryKey()
                        + "_seq TO sync;"
                        + " GRANT SELECT, UPDATE ON bidisync_heartbeat TO sync;"
                        + " GRANT SELECT, INSERT, UPDATE ON bidisync_writes TO sync;"
                        + " CREATE PUBLICATION "
                        + publication
                        + " FOR TABLE "
                        + table
                        + ", bidisync_heartbeat, bidisync_writes");
    }

    private static void prepareBoth(String database) throws Exception {
        prepare(
                TestServers.of("crm"),
                database,
                SyncedSystem.crm(),
                "INSERT INTO customer (email, full_name) VALUES ('ann@example.com', 'Ann')");
        prepare(
                TestServers.of("erp"),
                database,
                SyncedSystem.erp(),
                "INSERT INTO client (mail, name) VALUES ('bob@example.com', 'Bob')");
    }

    private String config(LocalPostgres crm, LocalPostgres erp) {
        return config(crm, erp, DATABASE);
    }

    private String config(LocalPostgres crm, LocalPostgres erp, String database) {
        String systems =
                """
                systems:
                  crm:
                    connection: { url: "%s", username: sync, password: "${BIDISYNC_TEST_PASSWORD}" }
                    table: public.customer
                    primary-key: id
                    version-column: version
                    columns: { email: email, name: full_name, phone: phone, city: city }
                    create-publication: false
                  erp:
                    connection: { url: "%s", username: sync, password: "${BIDISYNC_TEST_PASSWORD}" }
                    table: public.client
                    primary-key: client_no
                    version-column: row_version
                    columns: { email: mail, name: name, phone: phone, city: town }
                    create-publication: false
                """
                        .formatted(crm.jdbcUrl(database), erp.jdbcUrl(database));
        return SampleCustomers.SETTINGS.replace("name: demo", "name: secure") + systems;
    }

    @Test
    void leastPrivilegeUserSyncsAndThePasswordAppearsNowhere() throws Exception {
        LocalPostgres crm = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        prepareBoth(DATABASE);
        // The servers really ask for the password: only the right one lets the user in.
        for (LocalPostgres server : List.of(crm, erp)) {
            assertThatThrownBy(() -> connectAsSync(server, DATABASE, WRONG_PASSWORD).close())
                    .hasMessageContaining("password authentication failed for user \"sync\"");
            assertThatThrownBy(() -> connectAsSync(server, DATABASE, "").close())
                    .isInstanceOf(SQLException.class);
            connectAsSync(server, DATABASE, PASSWORD).close();
        }
        Path configFile = dir.resolve("secure.yaml");
        Files.writeString(configFile, config(crm, erp));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }

        Process job =
                start(
                        PASSWORD,
                        "output.txt",
                        "run",
                        "--config",
                        configFile.toString(),
                        "--port",
                        String.valueOf(port));
        List<String> restBodies = new ArrayList<>();
        try {
            Await.until(
                    "Ann in ERP and Bob in CRM",
                    Duration.ofMinutes(3),
                    () -> {
                        if (!job.isAlive()) {
                            throw new AssertionError(
                                    "the job exited: "
                                            + Files.readString(dir.resolve("output.txt")));
                        }
                        return count(
                                                erp,
                                                "SELECT count(*) FROM client WHERE mail = 'ann@example.com'")
                                        == 1
                                && count(
                                                crm,
                                                "SELECT count(*) FROM customer WHERE email = 'bob@example.com'")
                                        == 1;
                    },
                    () -> Files.readString(dir.resolve("output.txt")));

            String base = "http://127.0.0.1:" + port;
            HttpClient http = HttpClient.newHttpClient();
            JsonNode jobs = new ObjectMapper().readTree(get(http, base + "/jobs"));
            String jobId = jobs.path("jobs").get(0).path("id").asText();
            for (String path :
                    List.of(
                            "/config",
                            "/jobmanager/config",
                            "/jobs/" + jobId,
                            "/jobs/" + jobId + "/config",
                            "/jobs/" + jobId + "/plan",
                            "/jobs/" + jobId + "/exceptions",
                            "/taskmanagers")) {
                restBodies.add(path + ": " + get(http, base + path));
            }
        } finally {
            job.destroy();
            if (!job.waitFor(30, TimeUnit.SECONDS)) {
                job.destroyForcibly().waitFor();
            }
        }

        assertThat(restBodies)
                .hasSize(7)
                .allSatisfy(body -> assertThat(body).doesNotContain(PASSWORD_TAIL));
        String output = Files.readString(dir.resolve("output.txt"));
        String log = Files.readString(dir.resolve("bidisync-data/logs/bidisync.log"));
        assertThat(output)
                .contains("Dashboard: http://127.0.0.1:" + port)
                .doesNotContain(PASSWORD_TAIL);
        // The log is the full story of the run (Flink, the CDC connector, the job), and never the
        // secret.
        assertThat(log)
                .contains("sync")
                .contains("PostgresConnectorConfig")
                .doesNotContain(PASSWORD_TAIL);
        assertThat(log.length()).isGreaterThan(10_000);
    }

    @Test
    void theRightPasswordFromTheEnvironmentIsAcceptedAndAWrongOneReportedWithoutTheSecret()
            throws Exception {
        prepareBoth(CHECKED_DATABASE);
        Path configFile = dir.resolve("checked.yaml");
        Files.writeString(
                configFile, config(TestServers.of("crm"), TestServers.of("erp"), CHECKED_DATABASE));

        // The user's password, from ${BIDISYNC_TEST_PASSWORD}: both databases let it in.
        Process right = start(PASSWORD, "right.txt", "validate", "--config", configFile.toString());
        assertThat(right.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String accepted = Files.readString(dir.resolve("right.txt"));
        assertThat(right.exitValue()).as(accepted).isZero();
        assertThat(accepted)
                .contains("checked.yaml: OK (2 systems: crm, erp)")
                .doesNotContain(PASSWORD_TAIL);

        // The same, existing user with a wrong password: refused, said so, the secret not shown.
        Process wrong =
                start(WRONG_PASSWORD, "wrong.txt", "validate", "--config", configFile.toString());
        assertThat(wrong.waitFor(2, TimeUnit.MINUTES)).isTrue();
        String output = Files.readString(dir.resolve("wrong.txt"));
        assertThat(wrong.exitValue()).as(output).isEqualTo(1);
        assertThat(output)
                .contains("systems.crm.connection: cannot connect")
                .contains("systems.erp.connection: cannot connect")
                .contains("password authentication failed for user \"sync\"")
                .doesNotContain(WRONG_PASSWORD.substring(WRONG_PASSWORD.indexOf('g')))
                .doesNotContain(PASSWORD_TAIL);
    }

    private static Connection connectAsSync(LocalPostgres server, String database, String password)
            throws SQLException {
        return DriverManager.getConnection(server.jdbcUrl(database), "sync", password);
    }

    private Process start(String password, String output, String... args) throws Exception {
        return JobProcess.start(
                dir,
                Map.of("BIDISYNC_TEST_PASSWORD", password),
                dir.resolve(output),
                "io.bidisync.launcher.Main",
                args);
    }

    private static String get(HttpClient http, String url) throws Exception {
        return http.send(
                        HttpRequest.newBuilder(URI.create(url)).build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
    }

    private static long count(LocalPostgres server, String sql) throws Exception {
        try (Connection c = server.connect(DATABASE);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
