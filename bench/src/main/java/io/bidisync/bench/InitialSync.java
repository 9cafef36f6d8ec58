package io.bidisync.bench;

import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.SyncRun;

import org.apache.flink.api.common.JobID;

import com.fasterxml.jackson.annotation.JsonProperty;

import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Measures an initial sync: from the job's start to the commit of its last write, once every system
 * holds what it should. The end is read from the databases' commit timestamps, so polling does not
 * blur it.
 */
final class InitialSync {
    private static final Duration TIMEOUT = Duration.ofMinutes(30);
    private static final Duration QUIET = Duration.ofSeconds(5);

    /**
     * The outcome of one initial sync.
     *
     * @param seconds from the start to the commit of the sync's last write
     * @param caughtUpSeconds from the start until the sync has also read back its own writes and
     *     its watermarks are within a second of now (ready for steady state); {@code null} where
     *     not measured
     */
    record Result(
            String sync, long rowsRead, long rowsWritten, double seconds, Double caughtUpSeconds) {
        @JsonProperty
        double rowsPerSecond() {
            return rowsRead / seconds;
        }
    }

    /** What "done" means for a sync: checked every two seconds. */
    @FunctionalInterface
    interface Done {
        boolean reached() throws SQLException;
    }

    private InitialSync() {}

    /**
     * Waits until {@code done} and then quiet, and measures from {@code startedMicros} to the last
     * commit of a change by {@code syncApp} in any system.
     */
    static Result await(
            String sync, SyncRun run, String syncApp, long startedMicros, long rowsRead, Done done)
            throws Exception {
        // Seldom: the check's queries compete with the sync for the same two cores.
        Await.until(
                sync + " initial sync",
                TIMEOUT,
                () -> {
                    Thread.sleep(2000);
                    return done.reached();
                });
        run.awaitQuiet(QUIET, TIMEOUT);
        long last = 0;
        long written = 0;
        for (String system : run.systemNames()) {
            last = Math.max(last, AuditLog.lastCommitMicros(run, system, syncApp));
            written += AuditLog.count(run, system, syncApp, 0);
        }
        return new Result(sync, rowsRead, written, (last - startedMicros) / 1e6, null);
    }

    /**
     * Waits until bidisync has read back its own writes: every source's watermark within a second
     * of now, and at most {@code 1000} golden records waiting for completeness (the timers that a
     * watermark jump makes due fire one after the other). Until then new changes wait behind the
     * echoes.
     */
    static Result awaitCaughtUp(Result converged, SyncRun run, RestMetrics metrics, JobID job)
            throws Exception {
        Await.until(
                "watermarks within a second of now, golden records decided",
                TIMEOUT,
                () -> {
                    Map<String, Long> totals = metrics.totals(job);
                    List<Long> lags =
                            totals.entrySet().stream()
                                    .filter(e -> e.getKey().endsWith(SyncMetrics.WATERMARK_LAG))
                                    .map(Map.Entry::getValue)
                                    .toList();
                    Long waiting = totals.get(SyncMetrics.WAITING_FOR_COMPLETENESS);
                    return lags.size() == run.systemNames().size()
                            && lags.stream().allMatch(lag -> lag >= 0 && lag < 1000)
                            && waiting != null
                            && waiting < 1000;
                });
        double caughtUp = (System.currentTimeMillis() * 1000 - run.startedMicros()) / 1e6;
        return new Result(
                converged.sync(),
                converged.rowsRead(),
                converged.rowsWritten(),
                converged.seconds(),
                caughtUp);
    }
}
