package io.bidisync.standalone;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.soak.SoakWorkload;
import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.CompaniesAndContacts;
import io.bidisync.job.testutil.GoldenTopic;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.ReferenceInvariants;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestKafka;
import io.bidisync.job.testutil.TestServers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job on a real standalone cluster (JobManager and two TaskManagers as JVMs of their own),
 * submitted with {@code flink run}, through crashes and restarts: a TaskManager killed with {@code
 * kill -9} during the initial load, while changes stream, and between a write and the next
 * checkpoint; the job cancelled and resubmitted from its last retained checkpoint; stopped with a
 * savepoint and upgraded with a changed configuration. After each, the invariant checker must find
 * no duplicate, no lost update, no unconverged key.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class CrashRecoveryITCase {
    private static final Duration QUIET = Duration.ofSeconds(6);
    private static final long SEED = Long.getLong("bidisync.crash.seed", 20261127L);

    /** Bulk customers per system; half of them exist in both (different e-mail spelling). */
    private static final int BULK = 10_000;

    @RegisterExtension static final ClusterJobs flink = ClusterJobs.of("crash", 2);

    private static Map<String, SyncedSystem> systems() {
        Map<String, SyncedSystem> systems = new LinkedHashMap<>();
        for (SyncedSystem s : List.of(crm(), erp(), billing())) {
            systems.put(s.name(), s);
        }
        return systems;
    }

    /** The soak workload's rows plus bulk customers: CRM 1…BULK, ERP BULK/2+1…BULK*3/2. */
    private static SyncRun.Builder bulkRun() {
        SyncRun.Builder builder = SyncRun.of(crm(), erp(), billing());
        SoakWorkload.seedRows().forEach(builder::seed);
        builder.seed(
                "crm",
                "INSERT INTO customer (id, email, full_name, city) SELECT 500000 + i,"
                        + " 'bulk' || i || '@example.com', 'Person ' || i, 'Oslo'"
                        + " FROM generate_series(1, "
                        + BULK
                        + ") i");
        builder.seed(
                "erp",
                "INSERT INTO client (client_no, mail, name, town) SELECT 600000 + i,"
                        + " ' BULK' || i || '@Example.com', 'Person ' || i, 'Oslo'"
                        + " FROM generate_series("
                        + (BULK / 2 + 1)
                        + ", "
                        + (BULK * 3 / 2)
                        + ") i");
        return builder;
    }

    private static InvariantChecker.Report check(String phase, SyncRun run) throws Exception {
        flink.settle(run, QUIET);
        InvariantChecker.Report report = InvariantChecker.check(run);
        System.out.printf("%s%n%s", phase, report);
        if (!report.clean()) {
            dumpAudit(run);
        }
        return report.assertClean();
    }

    /** Every row change but the bulk load's, for reading a failure: target/crash-audit.txt. */
    private static void dumpAudit(SyncRun run) throws Exception {
        StringBuilder out = new StringBuilder();
        for (String system : run.systemNames()) {
            for (AuditEvent e : run.audit(system)) {
                if (e.byJob()
                        && e.isInsert()
                        && e.keyAfter() != null
                        && e.keyAfter().startsWith("bulk")) {
                    continue;
                }
                if (e.pk().length() == 6 && (e.pk().startsWith("5") || e.pk().startsWith("6"))) {
                    continue;
                }
                out.append(
                        String.format(
                                "%d %-7s %5d %-6s %-8s %s -> %s v%s->v%s %s%n",
                                e.commitMicros() / 1000,
                                system,
                                e.seq(),
                                e.op(),
                                e.pk(),
                                Arrays.toString(e.before()),
                                Arrays.toString(e.after()),
                                e.versionBefore(),
                                e.versionAfter(),
                                e.byJob() ? "JOB" : ""));
            }
        }
        Files.writeString(Path.of("target", "crash-audit.txt"), out);
    }

    /**
     * Kills a random TaskManager among those running the job's tasks and starts a replacement;
     * returns the victim.
     */
    private static int killTaskManager(Random random, String id) throws Exception {
        Set<String> busy = flink.taskManagersOf(id);
        List<Integer> candidates = new ArrayList<>();
        for (int n : flink.cluster().runningTaskManagers()) {
            if (busy.contains(flink.cluster().taskManagerId(n))) {
                candidates.add(n);
            }
        }
        assertThat(candidates).as("TaskManagers running %s", busy).isNotEmpty();
        int victim = candidates.get(random.nextInt(candidates.size()));
        long lastRestart = flink.lastRestart(id);
        flink.cluster().killTaskManager(victim);
        flink.cluster().startTaskManager();
        Await.until(
                "the job to restart after TaskManager " + victim + " was killed",
                ClusterJobs.TIMEOUT,
                () -> flink.lastRestart(id) > lastRestart);
        flink.awaitRunning(id);
        return victim;
    }

    @Test
    void killedTaskManagersLoseAndDuplicateNothing() throws Exception {
        Random random = new Random(SEED);
        try (SyncRun run = bulkRun().create()) {
            String id = flink.submit(run);
            long total = run.rowsBefore("crm").size() + run.rowsBefore("erp").size();

            // 1. During the initial load: as soon as the snapshot records flow.
            long[] readAtKill = {0};
            Await.until(
                    "the snapshot to be read",
                    ClusterJobs.TIMEOUT,
                    () -> (readAtKill[0] = flink.recordsIn(id)) > 0);
            int victim = killTaskManager(random, id);
            System.out.printf(
                    "Kill 1: TaskManager %d during the initial load, %d of %d+ snapshot records"
                            + " read%n",
                    victim, readAtKill[0], total);
            check("After kill 1 (initial load):", run);

            // 2. Between a write and the next checkpoint: the job's writes are in the target, the
            // state that knows of them is not in any checkpoint yet.
            Set<Integer> changed =
                    IntStream.range(0, 20)
                            .map(i -> BULK / 2 + 1 + random.nextInt(BULK / 2))
                            .boxed()
                            .collect(Collectors.toSet());
            long checkpoints = flink.awaitCheckpointAfter(id, flink.completedCheckpoints(id));
            long changedAt = System.currentTimeMillis() * 1000;
            String pks =
                    changed.stream().map(i -> "" + (500000 + i)).collect(Collectors.joining(","));
            run.execute(
                    "crm",
                    "UPDATE customer SET city = 'Kill2', version = version + 1 WHERE id IN ("
                            + pks
                            + ")");
            run.execute(
                    "crm",
                    "INSERT INTO customer (email, full_name) SELECT 'kill2-' || i || '@example.com',"
                            + " 'New ' || i FROM generate_series(1, 10) i");
            Await.until(
                    "the change written to ERP",
                    ClusterJobs.TIMEOUT,
                    () ->
                            run.rows("erp").stream().filter(r -> "Kill2".equals(r.city())).count()
                                            == changed.size()
                                    && run.rows("erp").stream()
                                                    .filter(
                                                            r ->
                                                                    r.email() != null
                                                                            && r.email()
                                                                                    .startsWith(
                                                                                            "kill2-"))
                                                    .count()
                                            == 10);
            long checkpointsAtKill = flink.completedCheckpoints(id);
            victim = killTaskManager(random, id);
            System.out.printf(
                    "Kill 2: TaskManager %d after the job wrote %d updates and 10 inserts, %s%n",
                    victim,
                    changed.size(),
                    checkpointsAtKill == checkpoints
                            ? "before the next checkpoint"
                            : "but a checkpoint completed first");
            assertThat(checkpointsAtKill)
                    .as("no checkpoint between the write and the kill")
                    .isEqualTo(checkpoints);
            check("After kill 2 (between write and checkpoint):", run);

            // Every source change is reflected once: one job update per changed ERP row, none
            // repeated after the restart, and none of the job's echoes written back to CRM.
            Set<String> keys =
                    changed.stream()
                            .map(i -> "bulk" + i + "@example.com")
                            .collect(Collectors.toSet());
            List<AuditEvent> erpWrites =
                    run.audit("erp").stream()
                            .filter(e -> e.byJob() && e.commitMicros() > changedAt)
                            .toList();
            assertThat(erpWrites)
                    .filteredOn(AuditEvent::isUpdate)
                    .extracting(AuditEvent::keyAfter)
                    .containsExactlyInAnyOrderElementsOf(keys);
            assertThat(erpWrites)
                    .filteredOn(AuditEvent::isInsert)
                    .extracting(AuditEvent::keyAfter)
                    .filteredOn(k -> !k.startsWith("canary-"))
                    .hasSize(10)
                    .allMatch(k -> k.startsWith("kill2-"));
            assertThat(run.audit("crm"))
                    .filteredOn(e -> e.byJob() && !e.isCanary() && e.commitMicros() > changedAt)
                    .isEmpty();
            flink.cancel(id);
        }
    }

    /**
     * A kill at a random moment of the soak workload: inserts, updates, deletes and key changes by
     * the systems' users and a concurrent writer ({@code -Dbidisync.crash.seed} picks workload and
     * moment). The restored job replays its own writes made after the checkpoint without knowing it
     * made them: it must neither copy back a row it inserted that a user then deleted, nor let such
     * a write outrank a newer change.
     */
    @Test
    void killedTaskManagerWhileChangesStream() throws Exception {
        Random random = new Random(SEED);
        String golden = "crash-golden-" + SEED + "-" + System.nanoTime();
        TestKafka.createTopic(golden, true);
        SyncRun.Builder builder =
                bulkRun()
                        .extra(
                                "golden-output: { bootstrap-servers: \"%s\", topic: %s }\n"
                                        .formatted(TestKafka.bootstrapServers(), golden));
        try (SyncRun run = builder.create()) {
            String id = flink.submit(run);
            check("After the initial load:", run);
            int victim;
            List<SoakWorkload.Op> ops = SoakWorkload.generate(systems(), SEED, 20_000, 15);
            CompletableFuture<Void> workload =
                    CompletableFuture.runAsync(
                            () -> {
                                try {
                                    SoakWorkload.play(run, ops);
                                } catch (Exception e) {
                                    throw new IllegalStateException(e);
                                }
                            });
            long killAt = 4_000 + random.nextInt(12_000);
            Thread.sleep(killAt);
            victim = killTaskManager(random, id);
            workload.get(5, TimeUnit.MINUTES);
            System.out.printf(
                    "Kill: TaskManager %d %d ms into a workload of %d operations%n",
                    victim, killAt, ops.size());
            check("After the kill (streaming):", run);
            // Golden records published exactly once across the kill: the compacted topic holds
            // every entity as the databases do, and no value was committed twice in a row.
            GoldenTopic.awaitMatches(run, golden, Duration.ofMinutes(2));
            assertThat(GoldenTopic.repeated(golden)).isEmpty();
        }
    }

    @Test
    void resubmittedFromItsLastCheckpointAndUpgradedFromASavepoint() throws Exception {
        String rule = "  rules: { name: priority }\n";
        try (SyncRun run =
                bulkRun()
                        .settings(
                                s ->
                                        s.replace(
                                                "  priority: [crm, erp]\n",
                                                "  priority: [crm, erp]\n" + rule))
                        .create()) {
            String before = run.yaml().replace(rule, "");
            assertThat(before).isNotEqualTo(run.yaml());
            long bulk = run.rowsBefore("crm").size() + run.rowsBefore("erp").size();
            String first = flink.submit(run, before, null);
            check("Initial load:", run);

            // Cancel; change a source while the job is away; resubmit from the checkpoint kept.
            flink.awaitCheckpointAfter(first, flink.completedCheckpoints(first));
            flink.cancel(first);
            String checkpoint = flink.latestCheckpoint(first);
            run.execute(
                    "crm",
                    "UPDATE customer SET city = 'Offline', version = version + 1 WHERE id BETWEEN 500001 AND 500010");
            String resumed = flink.submit(run, before, checkpoint);
            Await.until(
                    "the offline change in ERP",
                    ClusterJobs.TIMEOUT,
                    () ->
                            run.rows("erp").stream().filter(r -> "Offline".equals(r.city())).count()
                                    == 10);
            check("After cancel and resubmit from " + checkpoint + ":", run);
            // It read the ten changes made while it was away (the metric arrives with a delay),
            // and not the snapshot again.
            Await.until(
                    "the resubmitted job's metrics",
                    ClusterJobs.TIMEOUT,
                    () -> flink.recordsIn(resumed) >= 10);
            long readAfterResubmit = flink.recordsIn(resumed);
            System.out.printf(
                    "Resubmitted job read %d records (a re-snapshot would read %d+)%n",
                    readAfterResubmit, bulk);
            assertThat(readAfterResubmit).isLessThan(1_000);

            // Upgrade: stop with a savepoint, rename in ERP while stopped, start with a new rule
            // (names: CRM first). Without --allowNonRestoredState: every operator's state must
            // find its operator again by uid.
            String savepoint = flink.stopWithSavepoint(resumed);
            int from = BULK / 2 + 1;
            run.execute(
                    "erp",
                    "UPDATE client SET name = 'Renamed in ERP', row_version = row_version + 1"
                            + " WHERE client_no BETWEEN "
                            + (600000 + from)
                            + " AND "
                            + (600000 + from + 4));
            String upgraded = flink.submit(run, run.yaml(), savepoint);
            Await.until(
                    "ERP's renames undone by the new rule",
                    ClusterJobs.TIMEOUT,
                    () ->
                            run.rows("erp").stream()
                                    .noneMatch(r -> "Renamed in ERP".equals(r.name())));
            check("After upgrade from " + savepoint + ":", run);
            assertThat(run.rows("crm")).noneMatch(r -> "Renamed in ERP".equals(r.name()));
            Await.until(
                    "the upgraded job's metrics",
                    ClusterJobs.TIMEOUT,
                    () -> flink.recordsIn(upgraded) >= 5);
            long readAfterUpgrade = flink.recordsIn(upgraded);
            System.out.printf("Upgraded job read %d records%n", readAfterUpgrade);
            assertThat(readAfterUpgrade).isLessThan(1_000);
            flink.cancel(upgraded);
        }
    }

    /**
     * Companies and the contacts that reference them, each system with its own ids and foreign
     * keys, a TaskManager killed while the snapshots are read: afterwards every contact is in both
     * systems once, at the same company (by organisation number), every company once.
     */
    @Test
    void killedDuringAnInitialSyncWithReferencesLosesNoParentAndNoChild() throws Exception {
        Random random = new Random(SEED + 1);
        String database = "crashrefs";
        LocalPostgres crm = TestServers.of("crm");
        LocalPostgres erp = TestServers.of("erp");
        crm.createDatabase(database);
        erp.createDatabase(database);
        CompaniesAndContacts data = new CompaniesAndContacts(4_000, 400);
        crm.execute(database, data.crm());
        erp.execute(database, data.erp());
        String yaml = data.yaml("crashrefs", crm.jdbcUrl(database), erp.jdbcUrl(database), "500ms");
        String id = flink.submit("crashrefs", yaml);
        Await.until("the snapshot to be read", ClusterJobs.TIMEOUT, () -> flink.recordsIn(id) > 0);
        int victim = killTaskManager(random, id);
        System.out.printf("Kill: TaskManager %d during the initial sync with references%n", victim);

        Await.until(
                "every contact in both systems, at the same company",
                ClusterJobs.TIMEOUT,
                () -> {
                    Map<String, String> inCrm = CompaniesAndContacts.employers(crm, database, true);
                    return inCrm.size() == data.convergedContacts()
                            && inCrm.equals(CompaniesAndContacts.employers(erp, database, false));
                });
        Thread.sleep(QUIET.toMillis());
        assertThat(CompaniesAndContacts.employers(crm, database, true))
                .as("every contact once, at the same company in both systems")
                .hasSize(data.convergedContacts())
                .isEqualTo(CompaniesAndContacts.employers(erp, database, false))
                .doesNotContainValue(null);
        ReferenceInvariants.check(
                        TestConfigs.parseJob(yaml),
                        Map.of(
                                "crm",
                                () -> crm.connect(database),
                                "erp",
                                () -> erp.connect(database)))
                .assertClean();
        for (var counted : Map.of(crm, "company", erp, "firma").entrySet()) {
            assertThat(
                            CompaniesAndContacts.number(
                                    counted.getKey(),
                                    database,
                                    "SELECT count(*) FROM " + counted.getValue()))
                    .as(counted.getValue() + ": every company once")
                    .isEqualTo(data.convergedCompanies());
        }
        flink.cancel(id);
    }
}
