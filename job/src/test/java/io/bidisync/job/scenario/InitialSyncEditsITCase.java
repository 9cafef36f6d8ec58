package io.bidisync.job.scenario;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * People edit their systems while the job's initial sync runs: before a table's snapshot reads a
 * row, while it reads the table, and after it switched to the log. Every edit is newer than
 * anything the job had read, so every edit must end up in every writable system — also one the
 * snapshot read (it has no commit time of its own in the snapshot) and one whose transaction spans
 * the switch from the snapshot to the log.
 */
class InitialSyncEditsITCase extends MiniClusterITCase {
    private static final int PEOPLE = 5_000;

    /** Present in all three systems, spelled differently; the others are each system's own. */
    private static final int SHARED = 4_000;

    @Test
    void everyEditDuringTheInitialSyncReachesEveryWritableSystem() throws Exception {
        try (SyncRun run = people().create()) {
            List<Edit> edits = new ArrayList<>();
            List<Integer> entities = new ArrayList<>();
            for (int i = 1; i <= SHARED; i++) {
                entities.add(i);
            }
            Collections.shuffle(entities, new Random(15));
            String[] systems = {"crm", "erp", "billing"};
            long startedAt = System.nanoTime();
            run.start();
            int firstEmittedAfter = -1;
            // Dense while the snapshots run, sparser once the job streams: 20 ms apart for the
            // first 600 edits, then 150 ms, about 40 s in all.
            try (Connection crm = run.connect("crm");
                    Connection erp = run.connect("erp");
                    Connection billing = run.connect("billing")) {
                for (int n = 0; n < 780; n++) {
                    String system = systems[n % 3];
                    int person = entities.get(n);
                    Connection c =
                            system.equals("crm") ? crm : system.equals("erp") ? erp : billing;
                    edits.add(edit(run, c, system, person, n));
                    if (firstEmittedAfter < 0
                            && n % 10 == 0
                            && run.metric(metrics, "goldenRecordsEmitted") > 0) {
                        firstEmittedAfter = n;
                    }
                    Thread.sleep(n < 600 ? 20 : 150);
                }
            }
            System.out.printf(
                    "%d edits in %d s; the first golden record was emitted after edit %d%n",
                    edits.size(),
                    Duration.ofNanos(System.nanoTime() - startedAt).toSeconds(),
                    firstEmittedAfter);
            // Edits on both sides of the moment every snapshot was read and the log streamed.
            assertThat(firstEmittedAfter).isBetween(30, 700);

            Await.until(
                    "every edit in every writable system",
                    CONVERGENCE,
                    () -> missingEdits(run, edits).isEmpty(),
                    () -> {
                        List<String> missing = missingEdits(run, edits);
                        return missing.size()
                                + " missing, e.g. "
                                + missing.subList(0, Math.min(10, missing.size()));
                    });
            settle(run);
            assertThat(missingEdits(run, edits)).isEmpty();
            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.println(report);
            report.assertClean();
        }
    }

    @Test
    void anEditWhoseTransactionSpansTheSwitchToTheLogIsNotLost() throws Exception {
        try (SyncRun run = people().create()) {
            String slot = run.config().system("crm").slotName(run.config().name());
            run.start();
            try (Connection held = run.connect("crm")) {
                // Written once the job's slot exists, before the snapshot is read, and committed
                // only once the job reads the log: the snapshot cannot see it, so only the log can
                // bring it. (Upstream's backfill lost exactly such a change when its transaction
                // spanned a chunk's high watermark.)
                Await.until("the job's slot", CONVERGENCE, () -> slotExists(run, slot));
                held.setAutoCommit(false);
                try (Statement s = held.createStatement()) {
                    s.executeUpdate(
                            "UPDATE customer SET phone = 'held', version = version + 1"
                                    + " WHERE email = 'p7@example.com'");
                }
                awaitFirstGoldenRecords(run);
                held.commit();
            }
            Await.until(
                    "the held edit in ERP",
                    CONVERGENCE,
                    () -> "held".equals(erpRow(run, 7).phone()),
                    () -> erpRow(run, 7));
        }
    }

    private static boolean slotExists(SyncRun run, String slot) throws Exception {
        try (Connection c = run.connect("crm");
                PreparedStatement ps =
                        c.prepareStatement(
                                "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
            ps.setString(1, slot);
            return ps.executeQuery().next();
        }
    }

    private static SyncRun.Builder people() {
        return SyncRun.of(crm(), erp(), billing())
                .seed(
                        "crm",
                        "INSERT INTO customer (email, full_name, phone, city) SELECT"
                                + " 'p' || i || '@example.com', 'Person ' || i, '+47 ' || i,"
                                + " 'Town ' || (i % 97) FROM generate_series(1, "
                                + PEOPLE
                                + ") i")
                .seed(
                        "erp",
                        "INSERT INTO client (mail, name, phone, town) SELECT"
                                + " CASE WHEN i <= "
                                + SHARED
                                + " THEN ' P' || i || '@Example.com' ELSE 'e' || i || '@example.com' END,"
                                + " 'Person ' || i, '0047 ' || i, 'Town ' || (i % 97)"
                                + " FROM generate_series(1, "
                                + PEOPLE
                                + ") i")
                .seed(
                        "billing",
                        "INSERT INTO account (email, holder, city) SELECT"
                                + " CASE WHEN i <= "
                                + SHARED
                                + " THEN 'p' || i || '@EXAMPLE.com' ELSE 'b' || i || '@example.com' END,"
                                + " 'Person ' || i, 'Town ' || (i % 97) FROM generate_series(1, "
                                + PEOPLE
                                + ") i")
                .settings(
                        s ->
                                s.replace(
                                        "flush-interval: 100ms",
                                        "flush-interval: 100ms\n  batch-size: 2000"));
    }

    /** An outside change of one person in one system: CRM and ERP phones, Billing's city. */
    private record Edit(String system, int person, String attribute, String value) {}

    private static Edit edit(SyncRun run, Connection c, String system, int person, int n)
            throws Exception {
        String value = (system.equals("billing") ? "City " : "Phone ") + n;
        String set =
                switch (system) {
                    case "crm" -> "UPDATE customer SET phone = ?, version = version + 1";
                    case "erp" -> "UPDATE client SET phone = ?, row_version = row_version + 1";
                    default -> "UPDATE account SET city = ?, ver = ver + 1";
                };
        // By the normalised e-mail: the job rewrites the spellings.
        try (PreparedStatement ps =
                c.prepareStatement(set + " WHERE " + run.system(system).emailKey() + " = ?")) {
            ps.setString(1, value);
            ps.setString(2, "p" + person + "@example.com");
            assertThat(ps.executeUpdate()).as("rows edited").isEqualTo(1);
        }
        return new Edit(system, person, system.equals("billing") ? "city" : "phone", value);
    }

    /** The edits that are not (yet) the value in CRM and ERP. */
    private static List<String> missingEdits(SyncRun run, List<Edit> edits) throws Exception {
        List<Row> crm = run.rows("crm");
        List<Row> erp = run.rows("erp");
        List<String> missing = new ArrayList<>();
        for (Edit edit : edits) {
            for (Row row : List.of(byPerson(crm, edit.person()), byPerson(erp, edit.person()))) {
                String actual = edit.attribute().equals("phone") ? row.phone() : row.city();
                if (!edit.value().equals(actual)) {
                    missing.add(edit + " -> " + row);
                }
            }
        }
        return missing;
    }

    private static Row byPerson(List<Row> rows, int person) {
        String email = "p" + person + "@example.com";
        return rows.stream()
                .filter(r -> r.email() != null && r.email().trim().equalsIgnoreCase(email))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no row for " + email));
    }

    private static Row erpRow(SyncRun run, int person) throws Exception {
        return byPerson(run.rows("erp"), person);
    }
}
