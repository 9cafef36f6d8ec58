package io.bidisync.job.scaling;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.soak.SoakWorkload;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.Canary;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.configuration.StateRecoveryOptions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The job at parallelism 1, 2 and 4, and rescaled from savepoints: the same changes must end in the
 * same databases, with every promise kept, and each system keeps one replication slot whatever the
 * parallelism (its reader runs at parallelism 1).
 */
class ScalingITCase extends MiniClusterITCase {
    /** Changes applied one batch at a time, each once the job is quiet: a deterministic story. */
    private static final List<Map<String, String>> BATCHES =
            List.of(
                    Map.of(
                            "crm",
                            "UPDATE customer SET full_name = 'Renamed 10', version = version + 1"
                                    + " WHERE id = 100010;"
                                    // Newer than ERP's e23, which CRM's 15 joins next: no tie.
                                    + " UPDATE customer SET full_name = 'Name 15b', phone = '1515',"
                                    + " city = 'City 15b', version = version + 1 WHERE id = 100015;"
                                    + " INSERT INTO customer (email, full_name, city) VALUES"
                                    + " ('new1@example.com', 'New One', 'Lima')",
                            "erp",
                            "UPDATE client SET town = 'Moved 12', row_version = row_version + 1"
                                    + " WHERE client_no = 200012;"
                                    + " INSERT INTO client (mail, name, town) VALUES"
                                    + " ('new2@example.com', 'New Two', 'Quito')",
                            "billing",
                            "INSERT INTO account (email, holder, city) VALUES"
                                    + " ('new3@example.com', 'New Three', 'Cusco')"),
                    Map.of(
                            "crm",
                            // A key change: CRM's 15 becomes the entity ERP has as 23.
                            "UPDATE customer SET email = 'e23@example.com', version = version + 1"
                                    + " WHERE id = 100015",
                            "erp",
                            "UPDATE client SET phone = '555 0100', row_version = row_version + 1"
                                    + " WHERE client_no = 200009;"
                                    + " DELETE FROM client WHERE client_no = 200024"),
                    Map.of(
                            "billing",
                            "UPDATE account SET city = 'Billing City', ver = ver + 1"
                                    + " WHERE account_id = 300014"));

    @Test
    void theSameChangesEndInTheSameDatabasesAtParallelism1And2And4() throws Exception {
        Map<Integer, Map<String, List<List<String>>>> finalStates = new LinkedHashMap<>();
        for (int parallelism : new int[] {1, 2, 4}) {
            try (SyncRun run = seeded().create()) {
                run.start(parallelism, null);
                awaitFirstGoldenRecords(run);
                settle(run);
                for (Map<String, String> batch : BATCHES) {
                    apply(run, batch);
                    settle(run);
                }
                InvariantChecker.check(run).assertClean();
                assertOneSlotPerSystem(run);
                finalStates.put(parallelism, contents(run));
            }
        }
        assertThat(finalStates.get(2)).isEqualTo(finalStates.get(1));
        assertThat(finalStates.get(4)).isEqualTo(finalStates.get(1));
    }

    /**
     * Every step proves that the job it checks ran: a change it must carry, awaited in the other
     * systems, and metrics of that job (a restored job's counters start at 0), before the canaries
     * of {@link #settle} prove that it has processed everything.
     */
    @Test
    void rescalingFromASavepointKeepsStateAndCreatesNothingTwiceAlsoOnAnotherStateBackend(
            @TempDir Path savepoints) throws Exception {
        try (SyncRun run = seeded().create()) {
            run.start(2, null);
            awaitFirstGoldenRecords(run);
            settle(run);
            apply(run, BATCHES.get(0));
            awaitValue(run, "new3@example.com", "city", "Cusco");
            settle(run);

            // 2 → 4, with changes made while the job was away.
            String savepoint = run.stopWithSavepoint(savepoints);
            apply(run, BATCHES.get(1));
            run.start(4, savepoint);
            awaitValue(run, "e9@example.com", "phone", "555 0100");
            awaitJobMetric(run, "system.erp.recordsIn", 1);
            awaitJobMetric(run, "system.crm.updates", 1);
            settle(run);
            InvariantChecker.check(run).assertClean();
            assertOneSlotPerSystem(run);

            // 4 → 1 and RocksDB → heap state (a canonical savepoint is either backend's), then a
            // change only Billing makes: it must reach CRM and ERP.
            savepoint = run.stopWithSavepoint(savepoints);
            apply(run, BATCHES.get(2));
            Configuration onHeap = SyncRun.jobSettings();
            onHeap.set(CoreOptions.DEFAULT_PARALLELISM, 1);
            onHeap.set(StateRecoveryOptions.SAVEPOINT_PATH, savepoint);
            onHeap.set(StateBackendOptions.STATE_BACKEND, "hashmap");
            run.start(onHeap);
            awaitValue(run, "e14@example.com", "city", "Billing City");
            awaitJobMetric(run, "system.billing.recordsIn", 1);
            awaitJobMetric(run, "system.crm.updates", 1);
            awaitJobMetric(run, "system.erp.updates", 1);
            settle(run);
            InvariantChecker.check(run).assertClean();
            assertOneSlotPerSystem(run);
        }
    }

    /** Waits until every CRM and ERP row of {@code email} has {@code value} for the attribute. */
    private static void awaitValue(SyncRun run, String email, String attribute, String value)
            throws Exception {
        int i = SyncedSystem.ATTRIBUTES.indexOf(attribute);
        Await.until(
                email + " with " + attribute + " " + value + " in CRM and ERP",
                CONVERGENCE,
                () -> {
                    for (String system : List.of("crm", "erp")) {
                        List<Row> rows = withEmail(run.rows(system), email);
                        if (rows.isEmpty()
                                || !rows.stream().allMatch(r -> value.equals(r.values().get(i)))) {
                            return false;
                        }
                    }
                    return true;
                },
                () ->
                        "crm "
                                + withEmail(run.rows("crm"), email)
                                + ", erp "
                                + withEmail(run.rows("erp"), email));
    }

    /** Waits until the job running now (not an earlier one) reports at least {@code least}. */
    private void awaitJobMetric(SyncRun run, String metric, long least) throws Exception {
        Await.until(
                metric + " >= " + least + " in job " + run.jobId(),
                CONVERGENCE,
                () -> run.metric(metrics, metric) >= least,
                () -> metrics.totals(run.jobId()));
    }

    private static SyncRun.Builder seeded() {
        SyncRun.Builder builder = SyncRun.of(crm(), erp(), billing());
        SoakWorkload.seedRows().forEach(builder::seed);
        return builder;
    }

    private static void apply(SyncRun run, Map<String, String> batch) throws Exception {
        for (String system : List.of("crm", "erp", "billing")) {
            if (batch.containsKey(system)) {
                run.execute(system, batch.get(system));
            }
        }
    }

    /**
     * Each system's rows without keys and versions (the job's inserts get keys in any order) and
     * without canaries (how many rounds settling takes varies).
     */
    private static Map<String, List<List<String>>> contents(SyncRun run) throws Exception {
        Map<String, List<List<String>>> out = new LinkedHashMap<>();
        for (String system : run.systemNames()) {
            List<List<String>> rows = new ArrayList<>();
            for (Row row : Canary.without(run.rows(system))) {
                rows.add(row.values());
            }
            rows.sort((a, b) -> String.valueOf(a).compareTo(String.valueOf(b)));
            out.put(system, rows);
        }
        return out;
    }

    private static void assertOneSlotPerSystem(SyncRun run) throws Exception {
        for (String system : run.systemNames()) {
            try (Connection c = TestServers.of(system).connect(run.database());
                    PreparedStatement ps =
                            c.prepareStatement(
                                    "SELECT count(*) FROM pg_replication_slots WHERE database = ?")) {
                ps.setString(1, run.database());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertThat(rs.getInt(1)).as("replication slots of " + system).isEqualTo(1);
                }
            }
        }
    }
}
