package io.bidisync.job;

import io.bidisync.embedded.Convergence;
import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.Canary;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.udfs.normalize.Normalizer;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job end to end: two real PostgreSQL servers, real CDC, a real MiniCluster at parallelism 2
 * with RocksDB and checkpoints, and the job's own metrics read through the REST API.
 */
class BidirectionalSyncITCase extends MiniClusterITCase {

    private static Map<String, List<Row>> byKey(List<Row> rows) {
        return rows.stream()
                .collect(
                        Collectors.groupingBy(
                                r -> String.valueOf(Normalizer.EMAIL.normalize(r.email()))));
    }

    private void awaitConverged(SyncRun run, int crmRows, int erpRows) throws Exception {
        Await.until(
                "convergence",
                CONVERGENCE,
                () ->
                        run.rows("crm").size() == crmRows
                                && run.rows("erp").size() == erpRows
                                && Convergence.differences(run.rows("crm"), run.rows("erp"))
                                        .isEmpty(),
                () -> state(run));
    }

    @Test
    void initialSyncLinksOverlapAndInsertsEachMissingEntityOnce() throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, phone, city) VALUES"
                                        + " ('ann@example.com', 'Ann Lee', '+47 111', 'Oslo'),"
                                        + " ('Bob@Example.com ', 'Bob Berg', NULL, 'Bergen'),"
                                        + " ('dup@example.com', 'Dag Dup', NULL, 'Molde'),"
                                        + " (' DUP@example.com', 'Dag Dupp', '+47 333', NULL)")
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, phone, town) VALUES"
                                        + " ('bob@example.com', 'Bob Berg', '+47 222', NULL),"
                                        + " ('carl@example.com', 'Carl Carlsen', '+47 444', 'Tromsø')")
                        .create()) {
            run.start();
            awaitConverged(run, 5, 4);

            Map<String, List<Row>> crm = byKey(run.rows("crm"));
            Map<String, List<Row>> erp = byKey(run.rows("erp"));
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
                            run.metric(metrics, "system.crm.inserts") == 1
                                    && run.metric(metrics, "system.erp.inserts") == 2);
            assertThat(run.metric(metrics, "system.crm.insertsBlocked")).isZero();
            assertThat(run.metric(metrics, "system.erp.insertsBlocked")).isZero();
            assertThat(run.metric(metrics, "system.crm.recordsIn")).isGreaterThanOrEqualTo(4);
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void changeReachesTheOtherSystemAndItsEchoCausesNoWrite() throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, city) VALUES ('eve@example.com', 'Eve', 'Oslo')")
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, town) VALUES ('eve@example.com', 'Eve', 'Oslo')")
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);

            run.execute(
                    "crm",
                    "UPDATE customer SET city = 'Bergen', version = version + 1 WHERE email = 'eve@example.com'");
            Await.until(
                    "the change in ERP",
                    CONVERGENCE,
                    () -> "Bergen".equals(only(run.rows("erp")).city()),
                    () -> state(run));
            Row erpAfter = only(run.rows("erp"));
            Row crmAfter = only(run.rows("crm"));
            assertThat(erpAfter.id()).isEqualTo("1");
            assertThat(erpAfter.version()).isEqualTo(2);
            Await.until(
                    "the update count",
                    Duration.ofSeconds(30),
                    () -> run.metric(metrics, "system.erp.updates") == 1);
            Await.until(
                    "the echo",
                    Duration.ofSeconds(30),
                    () -> run.metric(metrics, "echoesSuppressed") >= 1);

            // Once the job has processed the echo and everything it caused (canaries in both
            // directions have arrived, and nothing else changed meanwhile): no more writes.
            settle(run);
            assertThat(Canary.without(run.rows("erp"))).containsExactly(erpAfter);
            assertThat(Canary.without(run.rows("crm"))).containsExactly(crmAfter);
            assertThat(run.audit("erp"))
                    .filteredOn(e -> e.byJob() && !e.isCanary())
                    .extracting(AuditEvent::op)
                    .containsExactly("UPDATE");
            assertThat(run.audit("crm")).filteredOn(e -> e.byJob() && !e.isCanary()).isEmpty();
            // The metrics, once they show the canaries' inserts (so they are as of after them),
            // tell the same.
            long canaries =
                    run.audit("crm").stream().filter(e -> e.byJob() && e.isInsert()).count()
                            + run.audit("erp").stream()
                                    .filter(e -> e.byJob() && e.isInsert())
                                    .count();
            Await.until(
                    "the canaries' inserts in the metrics",
                    Duration.ofSeconds(30),
                    () ->
                            run.metric(metrics, "system.crm.inserts")
                                            + run.metric(metrics, "system.erp.inserts")
                                    == canaries,
                    () -> metrics.totals(run.jobId()));
            Map<String, Long> totals = metrics.totals(run.jobId());
            assertThat(totals.get("system.erp.updates")).isEqualTo(1);
            assertThat(totals.getOrDefault("system.crm.updates", 0L)).isZero();
        }
    }

    @Test
    void changeByAnotherWriterBetweenReadAndWriteIsNeverOverwritten() throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .seed(
                                "crm",
                                "INSERT INTO customer (email, full_name, phone, city) VALUES ('fay@example.com', 'Fay', '1', 'Oslo')")
                        .seed(
                                "erp",
                                "INSERT INTO client (mail, name, phone, town) VALUES ('fay@example.com', 'Fay', '1', 'Oslo')")
                        .create()) {
            run.start();
            awaitFirstGoldenRecords(run);

            // Another process changes the ERP row and holds it, uncommitted, while the job's
            // update for the CRM change (based on version 1) arrives at the same row.
            run.raceTheJobsUpdate(
                    "erp",
                    "UPDATE client SET phone = '999', row_version = row_version + 1 WHERE client_no = 1",
                    "crm",
                    "UPDATE customer SET city = 'Bergen', version = version + 1 WHERE id = 1");

            Await.until(
                    "the conflict",
                    Duration.ofSeconds(30),
                    () -> run.metric(metrics, "system.erp.conflicts") == 1);
            // Once ERP's change is read, both converge to the survivorship result over both:
            // CRM's newer city and ERP's newer phone. The other writer's phone was never lost.
            List<String> expected = List.of("fay@example.com", "Fay", "999", "Bergen");
            Await.until(
                    "convergence on both changes",
                    CONVERGENCE,
                    () ->
                            only(run.rows("erp")).values().equals(expected)
                                    && only(run.rows("crm")).values().equals(expected),
                    () -> state(run));
            InvariantChecker.check(run).assertClean();
        }
    }

    @Test
    void systemIdleFromStartupDoesNotStallCompleteness() throws Exception {
        String seed = "INSERT INTO %s VALUES (DEFAULT, 'gus@example.com', 'Gus', NULL, 'Oslo', 1)";
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .seed("crm", seed.formatted("customer"))
                        .seed("erp", seed.formatted("client"))
                        .create()) {
            run.start();
            // ERP changes nothing after its snapshot; only the job's heartbeat rows move its
            // watermark.
            awaitFirstGoldenRecords(run);

            long start = System.nanoTime();
            run.execute(
                    "crm",
                    "INSERT INTO customer (email, full_name, city) VALUES ('hal@example.com', 'Hal', 'Bodø')");
            Await.until(
                    "the new customer in ERP",
                    Duration.ofSeconds(20),
                    () ->
                            run.rows("erp").stream()
                                    .anyMatch(r -> "hal@example.com".equals(r.email())),
                    () -> state(run));
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();
            System.out.printf(
                    "Idle-source latency: %d ms (delay 1000 ms, heartbeat 250 ms)%n", millis);
            assertThat(run.rows("erp")).hasSize(2);
        }
    }
}
