package io.bidisync.job.soak;

import io.bidisync.job.soak.SoakWorkload.Op;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;

/**
 * A seeded random soak: the systems' users insert, update, delete and re-key customers in CRM, ERP
 * and read-only Billing while an external writer keeps updating the same rows. Afterwards the
 * invariant checker must find no duplicate created, no lost update, full convergence.
 *
 * <p>{@code -Dbidisync.soak.seed=N} picks the workload, {@code -Dbidisync.soak.seconds=S} its
 * length (40 s in the test command). A failure prints the seed and the shortest prefix of the
 * operation log that still fails (searched within {@code -Dbidisync.soak.minimize-minutes}, default
 * 10).
 */
class SoakITCase extends MiniClusterITCase {
    private static final int OPS_PER_SECOND = 15;

    private static Map<String, SyncedSystem> systems() {
        Map<String, SyncedSystem> systems = new LinkedHashMap<>();
        for (SyncedSystem s : List.of(crm(), erp(), billing())) {
            systems.put(s.name(), s);
        }
        return systems;
    }

    @Test
    void randomWorkloadKeepsEveryPromise() throws Exception {
        long seed = Long.getLong("bidisync.soak.seed", 20261126L);
        long seconds = Long.getLong("bidisync.soak.seconds", 40L);
        List<Op> ops = SoakWorkload.generate(systems(), seed, seconds * 1000, OPS_PER_SECOND);

        InvariantChecker.Report report = run(ops);
        System.out.printf(
                "Soak: seed %d, %d s, %d operations%n%s", seed, seconds, ops.size(), report);
        if (!report.clean()) {
            List<Op> shortest = shortestFailingPrefix(ops);
            StringBuilder log = new StringBuilder();
            shortest.forEach(op -> log.append("  ").append(op).append('\n'));
            throw new AssertionError(
                    "Soak failed with seed "
                            + seed
                            + ":\n"
                            + report
                            + "Shortest failing operation log found ("
                            + shortest.size()
                            + " of "
                            + ops.size()
                            + " operations):\n"
                            + log);
        }
    }

    /** Runs the operations against a fresh job and returns what the checker finds. */
    private InvariantChecker.Report run(List<Op> ops) throws Exception {
        SyncRun.Builder builder = SyncRun.of(crm(), erp(), billing());
        SoakWorkload.seedRows().forEach(builder::seed);
        try (SyncRun run = builder.create()) {
            run.start();
            awaitFirstGoldenRecords(run);
            SoakWorkload.play(run, ops);
            settle(run);
            return InvariantChecker.check(run);
        }
    }

    /** The shortest prefix of the log that still fails, by bisection within a time budget. */
    private List<Op> shortestFailingPrefix(List<Op> ops) throws Exception {
        long deadline =
                System.nanoTime()
                        + Duration.ofMinutes(Long.getLong("bidisync.soak.minimize-minutes", 10L))
                                .toNanos();
        int failing = ops.size();
        int passing = 0;
        while (failing - passing > 1 && System.nanoTime() < deadline) {
            int middle = (passing + failing) / 2;
            if (run(ops.subList(0, middle)).clean()) {
                passing = middle;
            } else {
                failing = middle;
            }
        }
        return ops.subList(0, failing);
    }
}
