package io.bidisync.bench;

import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * PostgreSQL's own write limit on the benchmark's tables: batched JDBC {@code UPDATE … WHERE pk =
 * ?}, one transaction per batch, one connection per core, as fast as the server takes them.
 * Measured on the audited table the sync writes into, and again with the audit trigger switched
 * off.
 */
final class PostgresLimit {
    static final int BATCH = 500;
    static final int THREADS = 2;

    /** Rows per second with and without the audit trigger. */
    record Result(int batchSize, int connections, double rowsPerSecond, double bareRowsPerSecond) {}

    private PostgresLimit() {}

    static Result measure(SyncRun run, String system, int rows, Duration each) throws Exception {
        SyncedSystem s = run.system(system);
        double audited = updates(run, s, rows, each);
        run.execute(system, "ALTER TABLE " + s.table() + " DISABLE TRIGGER bidisync_audit");
        double bare = updates(run, s, rows, each);
        run.execute(system, "ALTER TABLE " + s.table() + " ENABLE TRIGGER bidisync_audit");
        return new Result(BATCH, THREADS, audited, bare);
    }

    private static double updates(SyncRun run, SyncedSystem s, int rows, Duration duration)
            throws Exception {
        String sql = UpdateWriters.phoneUpdate(s);
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        long start = System.nanoTime();
        long end = start + duration.toNanos();
        try {
            List<Future<Long>> done = new ArrayList<>();
            for (int t = 0; t < THREADS; t++) {
                int thread = t;
                done.add(pool.submit(() -> updateRows(run, s.name(), sql, thread, rows, end)));
            }
            long total = 0;
            for (Future<Long> f : done) {
                total += f.get();
            }
            return total / ((System.nanoTime() - start) / 1e9);
        } finally {
            pool.shutdownNow();
        }
    }

    /** Updates the rows whose key is {@code thread} modulo {@link #THREADS}, round after round. */
    private static long updateRows(
            SyncRun run, String system, String sql, int thread, int rows, long end)
            throws SQLException {
        long made = 0;
        try (Connection c = run.connect(system);
                PreparedStatement update = c.prepareStatement(sql)) {
            c.setAutoCommit(false);
            int id = thread + 1;
            while (System.nanoTime() < end) {
                for (int i = 0; i < BATCH; i++) {
                    update.setString(1, "limit-" + made);
                    update.setInt(2, id);
                    update.addBatch();
                    made++;
                    id += THREADS;
                    if (id > rows) {
                        id = thread + 1;
                    }
                }
                update.executeBatch();
                c.commit();
            }
        }
        return made;
    }
}
