package io.bidisync.job;

import io.bidisync.job.database.Database;
import io.bidisync.job.demo.CustomerTables.Row;
import io.bidisync.job.demo.LocalPostgres;
import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.CustomerSync;
import io.bidisync.udfs.normalize.Normalizer;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.test.junit5.InjectMiniCluster;
import org.apache.flink.test.junit5.MiniClusterExtension;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job end to end: two real PostgreSQL servers, real CDC, a real MiniCluster at parallelism 2
 * with RocksDB and checkpoints, and the job's own metrics read through the REST API.
 */
@Timeout(value = 5, unit = java.util.concurrent.TimeUnit.MINUTES)
class BidirectionalSyncITCase {
    private static final Duration CONVERGENCE = Duration.ofSeconds(90);

    @RegisterExtension
    static final MiniClusterExtension FLINK =
            new MiniClusterExtension(
                    new MiniClusterResourceConfiguration.Builder()
                            .setNumberTaskManagers(1)
                            .setNumberSlotsPerTaskManager(4)
                            .setConfiguration(clusterConfig())
                            .build());

    private static LocalPostgres crmServer;
    private static LocalPostgres erpServer;
    private RestMetrics metrics;

    private static Configuration clusterConfig() {
        Configuration conf = new Configuration();
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(200));
        return conf;
    }

    @BeforeAll
    static void startDatabases() throws Exception {
        crmServer = LocalPostgres.start("crm");
        erpServer = LocalPostgres.start("erp");
    }

    @AfterAll
    static void stopDatabases() throws Exception {
        crmServer.close();
        erpServer.close();
    }

    @BeforeEach
    void connectMetrics(@InjectMiniCluster MiniCluster cluster) throws Exception {
        metrics = new RestMetrics(cluster.getRestAddress().get().toString());
    }

    private static String key(String email) {
        return Normalizer.EMAIL.normalize(email);
    }

    private static Map<String, List<Row>> byKey(List<Row> rows) {
        return rows.stream().collect(Collectors.groupingBy(r -> String.valueOf(key(r.email()))));
    }

    private static boolean sameValues(Row a, Row b) {
        for (int i = 0; i < 4; i++) {
            if (!java.util.Objects.equals(
                    Normalizer.TRIM.normalize(a.values().get(i)),
                    Normalizer.TRIM.normalize(b.values().get(i)))) {
                return false;
            }
        }
        return true;
    }

    /** Every row with the same key, in both systems, carries the same values. */
    private static boolean converged(CustomerSync sync, int crmRows, int erpRows) throws Exception {
        List<Row> crm = sync.crmRows();
        List<Row> erp = sync.erpRows();
        if (crm.size() != crmRows || erp.size() != erpRows) {
            return false;
        }
        Map<String, List<Row>> erpByKey = byKey(erp);
        for (Row c : crm) {
            for (Row other : crm) {
                if (key(other.email()).equals(key(c.email())) && !sameValues(c, other)) {
                    return false;
                }
            }
            List<Row> match = erpByKey.get(key(c.email()));
            if (match == null || !match.stream().allMatch(e -> sameValues(c, e))) {
                return false;
            }
        }
        return true;
    }

    private static Object state(CustomerSync sync) throws Exception {
        return "CRM " + sync.crmRows() + " ERP " + sync.erpRows();
    }

    private void awaitConverged(CustomerSync sync, int crmRows, int erpRows) throws Exception {
        Await.until(
                "convergence",
                CONVERGENCE,
                () -> converged(sync, crmRows, erpRows),
                () -> state(sync));
    }

    @Test
    void initialSyncLinksOverlapAndInsertsEachMissingEntityOnce() throws Exception {
        String crmSeed =
                "INSERT INTO customer (email, full_name, phone, city) VALUES"
                        + " ('ann@example.com', 'Ann Lee', '+47 111', 'Oslo'),"
                        + " ('Bob@Example.com ', 'Bob Berg', NULL, 'Bergen'),"
                        + " ('dup@example.com', 'Dag Dup', NULL, 'Molde'),"
                        + " (' DUP@example.com', 'Dag Dupp', '+47 333', NULL);";
        String erpSeed =
                "INSERT INTO client (mail, name, phone, town) VALUES"
                        + " ('bob@example.com', 'Bob Berg', '+47 222', NULL),"
                        + " ('carl@example.com', 'Carl Carlsen', '+47 444', 'Tromsø');";
        try (CustomerSync sync = CustomerSync.create(crmServer, erpServer, crmSeed, erpSeed, "")) {
            sync.start();
            awaitConverged(sync, 5, 4);

            Map<String, List<Row>> crm = byKey(sync.crmRows());
            Map<String, List<Row>> erp = byKey(sync.erpRows());
            // Exactly once per system, except CRM's pre-existing duplicate, kept in sync.
            assertThat(crm).hasSize(4);
            assertThat(crm.get("dup@example.com")).hasSize(2);
            assertThat(crm.values()).filteredOn(rows -> rows.size() > 1).hasSize(1);
            assertThat(erp).hasSize(4).allSatisfy((k, rows) -> assertThat(rows).hasSize(1));
            // Survivorship over snapshot rows: priority crm, then lowest local id.
            assertThat(erp.get("dup@example.com").get(0).values())
                    .containsExactly("dup@example.com", "Dag Dup", "+47 333", "Molde");
            assertThat(crm.get("bob@example.com").get(0).phone()).isEqualTo("+47 222");
            assertThat(crm.get("carl@example.com").get(0).city()).isEqualTo("Tromsø");

            Await.until(
                    "write metrics",
                    Duration.ofSeconds(30),
                    () ->
                            sync.metric(metrics, "system.crm.inserts") == 1
                                    && sync.metric(metrics, "system.erp.inserts") == 2);
            assertThat(sync.metric(metrics, "system.crm.insertsBlocked")).isZero();
            assertThat(sync.metric(metrics, "system.erp.insertsBlocked")).isZero();
            assertThat(sync.metric(metrics, "system.crm.recordsIn")).isGreaterThanOrEqualTo(4);
        }
    }

    @Test
    void changeReachesTheOtherSystemAndItsEchoCausesNoWrite() throws Exception {
        String crmSeed =
                "INSERT INTO customer (email, full_name, city) VALUES ('eve@example.com', 'Eve', 'Oslo');";
        String erpSeed =
                "INSERT INTO client (mail, name, town) VALUES ('eve@example.com', 'Eve', 'Oslo');";
        try (CustomerSync sync = CustomerSync.create(crmServer, erpServer, crmSeed, erpSeed, "")) {
            sync.start();
            Await.until(
                    "the first golden records",
                    CONVERGENCE,
                    () -> sync.metric(metrics, "goldenRecordsEmitted") >= 1);

            sync.crm(
                    "UPDATE customer SET city = 'Bergen', version = version + 1 WHERE email = 'eve@example.com'");
            Await.until(
                    "the change in ERP",
                    CONVERGENCE,
                    () -> "Bergen".equals(sync.erpRows().get(0).city()),
                    () -> state(sync));
            Row erpAfter = sync.erpRows().get(0);
            Row crmAfter = sync.crmRows().get(0);
            assertThat(erpAfter.id()).isEqualTo("1");
            assertThat(erpAfter.version()).isEqualTo(2);
            Await.until(
                    "the update count",
                    Duration.ofSeconds(30),
                    () -> sync.metric(metrics, "system.erp.updates") == 1);
            Await.until(
                    "the echo",
                    Duration.ofSeconds(30),
                    () -> sync.metric(metrics, "echoesSuppressed") >= 1);

            // Several heartbeat intervals (250 ms) and completeness delays (1 s) later: no more
            // writes.
            Thread.sleep(4_000);
            assertThat(sync.erpRows()).containsExactly(erpAfter);
            assertThat(sync.crmRows()).containsExactly(crmAfter);
            Map<String, Long> totals = metrics.totals(sync.jobId());
            assertThat(totals.get("system.erp.updates")).isEqualTo(1);
            assertThat(totals.getOrDefault("system.crm.updates", 0L)).isZero();
            assertThat(
                            totals.getOrDefault("system.crm.inserts", 0L)
                                    + totals.getOrDefault("system.erp.inserts", 0L))
                    .isZero();
        }
    }

    @Test
    void changeByAnotherWriterBetweenReadAndWriteIsNeverOverwritten() throws Exception {
        String crmSeed =
                "INSERT INTO customer (email, full_name, phone, city) VALUES ('fay@example.com', 'Fay', '1', 'Oslo');";
        String erpSeed =
                "INSERT INTO client (mail, name, phone, town) VALUES ('fay@example.com', 'Fay', '1', 'Oslo');";
        try (CustomerSync sync = CustomerSync.create(crmServer, erpServer, crmSeed, erpSeed, "");
                Connection otherWriter = sync.erpConnection()) {
            sync.start();
            Await.until(
                    "the first golden records",
                    CONVERGENCE,
                    () -> sync.metric(metrics, "goldenRecordsEmitted") >= 1);

            // Another process changes the ERP row and holds it, uncommitted, while the job's
            // update for the CRM change (based on version 1) arrives at the same row.
            otherWriter.setAutoCommit(false);
            try (Statement s = otherWriter.createStatement()) {
                s.executeUpdate(
                        "UPDATE client SET phone = '999', row_version = row_version + 1 WHERE client_no = 1");
            }
            sync.crm("UPDATE customer SET city = 'Bergen', version = version + 1 WHERE id = 1");
            Await.until(
                    "the job's update to wait for the row",
                    CONVERGENCE,
                    () -> jobWaitsForLock(sync));
            otherWriter.commit();

            Await.until(
                    "the conflict",
                    Duration.ofSeconds(30),
                    () -> sync.metric(metrics, "system.erp.conflicts") == 1);
            // Once ERP's change is read, both converge to the survivorship result over both:
            // CRM's newer city and ERP's newer phone. The other writer's phone was never lost.
            Await.until(
                    "convergence on both changes",
                    CONVERGENCE,
                    () ->
                            sync.erpRows()
                                            .get(0)
                                            .values()
                                            .equals(
                                                    List.of(
                                                            "fay@example.com",
                                                            "Fay",
                                                            "999",
                                                            "Bergen"))
                                    && sync.crmRows()
                                            .get(0)
                                            .values()
                                            .equals(
                                                    List.of(
                                                            "fay@example.com",
                                                            "Fay",
                                                            "999",
                                                            "Bergen")),
                    () -> state(sync));
        }
    }

    private static boolean jobWaitsForLock(CustomerSync sync) throws Exception {
        try (Connection c = sync.erpConnection()) {
            return Database.sessionsWaitingForLock(c) > 0;
        }
    }

    @Test
    void systemIdleFromStartupDoesNotStallCompleteness() throws Exception {
        String seed = "INSERT INTO %s VALUES (DEFAULT, 'gus@example.com', 'Gus', NULL, 'Oslo', 1);";
        try (CustomerSync sync =
                CustomerSync.create(
                        crmServer,
                        erpServer,
                        seed.formatted("customer"),
                        seed.formatted("client"),
                        "")) {
            sync.start();
            // ERP changes nothing after its snapshot; only the job's heartbeat rows move its
            // watermark.
            Await.until(
                    "the first golden records",
                    CONVERGENCE,
                    () -> sync.metric(metrics, "goldenRecordsEmitted") >= 1);

            long start = System.nanoTime();
            sync.crm(
                    "INSERT INTO customer (email, full_name, city) VALUES ('hal@example.com', 'Hal', 'Bodø')");
            Function<List<Row>, Boolean> arrived =
                    rows -> rows.stream().anyMatch(r -> "hal@example.com".equals(r.email()));
            Await.until(
                    "the new customer in ERP",
                    Duration.ofSeconds(20),
                    () -> arrived.apply(sync.erpRows()),
                    () -> state(sync));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            System.out.printf(
                    "Idle-source latency: %d ms (delay 1000 ms, heartbeat 250 ms)%n", millis);
            assertThat(sync.erpRows()).hasSize(2);
        }
    }
}
