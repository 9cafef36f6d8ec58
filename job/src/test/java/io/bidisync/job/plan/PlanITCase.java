package io.bidisync.job.plan;

import io.bidisync.embedded.SampleCustomers;
import io.bidisync.job.golden.GoldenRecord;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.testutil.AuditEvent;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.udfs.normalize.Normalizer;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

/**
 * {@code plan} against real PostgreSQL: what it reports on the demo data, that it writes nothing
 * and leaves no replication slot behind, and that the job then makes exactly the planned writes.
 */
class PlanITCase extends MiniClusterITCase {

    @Test
    void plansTheDemoDataAndTheJobDoesExactlyThat(@TempDir Path out) throws Exception {
        try (SyncRun run =
                SyncRun.of(crm(), erp())
                        .seed("crm", SampleCustomers.CRM_SEED)
                        .seed("erp", SampleCustomers.ERP_SEED)
                        .create()) {
            Plan plan = plan(run);

            assertThat(plan.rows()).containsExactly(Map.entry("crm", 6L), Map.entry("erp", 4L));
            assertThat(plan.goldenRecords())
                    .extracting(GoldenRecord::id)
                    .containsExactlyInAnyOrder(
                            "ann@example.com",
                            "bob.berg@example.com",
                            "cari@example.com",
                            "dag@example.com",
                            "eva@example.com",
                            "finn@example.com",
                            "gro@example.com");
            assertThat(plan.matchGroups())
                    .extracting(GoldenRecord::id)
                    .containsExactlyInAnyOrder(
                            "bob.berg@example.com", "cari@example.com", "dag@example.com");
            Plan.SystemSummary crm = plan.summaries().get(0);
            Plan.SystemSummary erp = plan.summaries().get(1);
            assertThat(crm.inserts()).isEqualTo(2); // Finn, Gro
            assertThat(erp.inserts()).isEqualTo(3); // Ann, Dag, Eva
            assertThat(crm.unmatched()).isEqualTo(2); // Ann, Eva (Dag has two rows)
            assertThat(erp.unmatched()).isEqualTo(2); // Finn, Gro
            assertThat(crm.linked()).isEqualTo(6);
            assertThat(crm.blockedInserts() + erp.blockedInserts()).isZero();
            assertThat(plan.deadLetters()).isEmpty();
            // Bob's phone exists only in ERP: CRM's row gets it.
            assertThat(plan.valueChanges())
                    .anySatisfy(
                            c -> {
                                assertThat(c.system()).isEqualTo("crm");
                                assertThat(c.operation()).isEqualTo("update");
                                assertThat(c.attribute()).isEqualTo("phone");
                                assertThat(c.current()).isNull();
                                assertThat(c.planned()).isEqualTo("+47 900 22 222");
                            });

            // Nothing written, nothing left behind.
            assertThat(run.audit("crm")).noneMatch(AuditEvent::byJob);
            assertThat(run.audit("erp")).noneMatch(AuditEvent::byJob);
            assertThat(run.rows("crm")).isEqualTo(run.rowsBefore("crm"));
            assertThat(planSlots(run, "crm") + planSlots(run, "erp")).isZero();

            PlanReport report = new PlanReport(plan);
            report.write(out);
            assertThat(Files.readAllLines(out.resolve("summary.csv")))
                    .containsExactly(
                            "system,rows,linked_rows,golden_records,would_insert,would_update,"
                                    + "would_delete,would_block_as_duplicate,unmatched,dead_letters",
                            "crm,6,6,5,2,3,0,0,2,0",
                            "erp,4,4,4,3,2,0,0,2,0");
            assertThat(Files.readAllLines(out.resolve("match-groups.csv")))
                    .hasSize(1 + 6)
                    .contains("dag@example.com,crm,4", "dag@example.com,crm,5");
            assertThat(Files.readString(out.resolve("plan.json"))).contains("\"match_groups\"");

            assertJobWritesThePlan(run, plan);

            // A plan while the job runs leaves the job's publication as it is (Debezium alters a
            // publication it is given in filtered mode).
            String publication = run.config().system("erp").publicationName(run.config().name());
            long published = publicationTables(run, "erp", publication);
            assertThat(published).isEqualTo(3); // client, heartbeat, writes
            assertThat(plan(run).writes()).isEmpty();
            assertThat(publicationTables(run, "erp", publication)).isEqualTo(published);
            assertThat(planSlots(run, "crm") + planSlots(run, "erp")).isZero();
        }
    }

    @Test
    void theJobsWritesEqualThePlanOperationByOperation() throws Exception {
        // 300 people in CRM and 301 in ERP, 151 of them in both with other spellings and other
        // values, 10 entered twice in CRM.
        String crm =
                "INSERT INTO customer (email, full_name, phone, city)"
                        + " SELECT CASE WHEN i % 3 = 0 THEN upper('p' || i || '@example.com')"
                        + " ELSE 'p' || i || '@example.com' END, 'P ' || i,"
                        + " CASE WHEN i % 2 = 0 THEN i::text END, 'C' || i"
                        + " FROM generate_series(1, 300) i;"
                        + " INSERT INTO customer (email, full_name, city)"
                        + " SELECT ' p' || i || '@Example.com ', 'P ' || i, NULL"
                        + " FROM generate_series(1, 10) i";
        String erp =
                "INSERT INTO client (mail, name, phone, town)"
                        + " SELECT 'p' || i || '@example.com ',"
                        + " CASE WHEN i % 5 = 0 THEN 'Pe ' || i ELSE 'P ' || i END,"
                        + " CASE WHEN i % 2 = 1 THEN '9' || i END,"
                        + " CASE WHEN i % 4 = 0 THEN NULL ELSE 'C' || i END"
                        + " FROM generate_series(150, 450) i";
        // Billing, read-only, has some of them too.
        String billing =
                "INSERT INTO account (account_id, email, holder, city)"
                        + " SELECT 300000 + i, 'P' || i || '@example.com', 'Billing ' || i, 'B' || i"
                        + " FROM generate_series(140, 160) i";
        try (SyncRun run =
                SyncRun.of(crm(), erp(), billing())
                        .seed("crm", crm)
                        .seed("erp", erp)
                        .seed("billing", billing)
                        .create()) {
            Plan plan = plan(run);
            // People only in ERP (301–450) go into CRM, only in CRM (1–149) into ERP.
            assertThat(plan.summaries())
                    .extracting(Plan.SystemSummary::system, Plan.SystemSummary::inserts)
                    .containsExactly(tuple("crm", 150L), tuple("erp", 149L), tuple("billing", 0L));
            assertThat(plan.summaries().get(0).updates()).isPositive();
            assertThat(plan.summaries().get(1).updates()).isPositive();
            assertThat(plan.matchGroups()).hasSizeGreaterThanOrEqualTo(151 + 10);
            assertJobWritesThePlan(run, plan);
        }
    }

    private Plan plan(SyncRun run) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(SyncRun.jobSettings());
        List<Map<String, Long>> progress = new ArrayList<>();
        Plan plan = Planner.plan(run.config(), env, metrics, (read, total) -> progress.add(read));
        System.out.println("Plan progress reports: " + progress);
        new PlanReport(plan).print(System.out, 50);
        return plan;
    }

    /**
     * Starts the job on the planned data and compares what it writes with the plan, once it has
     * settled (canaries: their writes are not the plan's).
     */
    private void assertJobWritesThePlan(SyncRun run, Plan plan) throws Exception {
        run.start();
        awaitFirstGoldenRecords(run);
        settle(run);
        List<String> planned = new ArrayList<>();
        for (WriteIntent w : plan.writes()) {
            if (!plan.isBlocked(w)) {
                planned.add(describe(w.system(), w.operation().name(), id(w), w.values()));
            }
        }
        List<String> made = new ArrayList<>();
        for (String system : run.systemNames()) {
            for (AuditEvent e : run.audit(system)) {
                if (e.byJob() && !e.isCanary()) {
                    String id = e.isInsert() ? Normalizer.EMAIL.normalize(e.after()[0]) : e.pk();
                    made.add(describe(system, e.op(), id, e.after()));
                }
            }
        }
        assertThat(made).containsExactlyInAnyOrderElementsOf(planned);
    }

    private static String id(WriteIntent w) {
        return w.operation() == WriteIntent.Operation.INSERT ? w.goldenKey() : w.localId();
    }

    private static String describe(String system, String op, String id, String[] values) {
        return system + " " + op + " " + id + " " + Arrays.toString(values);
    }

    private static long publicationTables(SyncRun run, String system, String publication)
            throws Exception {
        try (Connection c = run.connect(system);
                var st =
                        c.prepareStatement(
                                "SELECT count(*) FROM pg_publication_tables WHERE pubname = ?")) {
            st.setString(1, publication);
            try (ResultSet rs = st.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    private static long planSlots(SyncRun run, String system) throws Exception {
        try (Connection c = run.connect(system);
                Statement st = c.createStatement();
                ResultSet rs =
                        st.executeQuery(
                                "SELECT (SELECT count(*) FROM pg_replication_slots WHERE slot_name LIKE '%_plan_%')"
                                        + " + (SELECT count(*) FROM pg_publication WHERE pubname LIKE '%_plan_%')")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
