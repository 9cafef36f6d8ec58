package io.bidisync.job.sink;

import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.golden.WriteIntent;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a batch of intents, whatever it takes short of failing the job: one {@link
 * WriteTransaction}, retried by the {@link RetryPolicy} (a bounded number of times for an error, up
 * to the outage timeout while the database is unreachable), then an {@link IOException} so that
 * Flink restarts the job. A batch failing on the data itself (a value the column cannot hold, a
 * constraint) is re-run one statement at a time, and only the failing ones become dead letters;
 * everything else is written.
 *
 * <p>Waits happen on the task thread, which is the backpressure: nothing new reaches the writer
 * until the database takes what it holds.
 */
final class BatchFlusher {
    private static final Logger LOG = LoggerFactory.getLogger(BatchFlusher.class);

    private final SystemConfig system;
    private final SqlDialect dialect;
    private final WriterSession session;
    private final WritesTable writesTable;
    private final RetryPolicy retry;
    private final OutcomeReporter reporter;

    /** Built on first use: the statements need the table's columns, read on first connect. */
    private WriteTransaction transaction;

    BatchFlusher(
            SystemConfig system,
            WriterSession session,
            WritesTable writesTable,
            RetryPolicy retry,
            OutcomeReporter reporter) {
        this.system = system;
        this.dialect = SqlDialect.of(system);
        this.session = session;
        this.writesTable = writesTable;
        this.retry = retry;
        this.reporter = reporter;
    }

    /** Writes the batch and reports its outcomes; fails when the retry policy gives up. */
    void flush(List<WriteIntent> batch) throws IOException, InterruptedException {
        RetryPolicy.Attempts attempts = retry.start(System::currentTimeMillis);
        while (true) {
            try {
                reporter.committed(run(batch));
                if (attempts.wasDown()) {
                    LOG.info(
                            "system {}: database reachable again after {} s; writing resumed",
                            system.name(),
                            attempts.downMillis() / 1000);
                }
                return;
            } catch (SQLException e) {
                session.rollbackQuietly();
                if (dialect.isDataError(e)) {
                    runOneByOne(batch);
                    return;
                }
                session.close();
                boolean unreachable = SqlErrors.isUnreachable(e);
                // On the task thread: this is the backpressure.
                Thread.sleep(waitOrFail(e, unreachable, attempts.failed(unreachable), batch));
            }
        }
    }

    /** Logs the coming retry and returns its wait, or throws when the policy gives up. */
    private long waitOrFail(
            SQLException e, boolean unreachable, RetryPolicy.Decision next, List<WriteIntent> batch)
            throws IOException {
        if (next.giveUp()) {
            throw new IOException(
                    unreachable
                            ? "system "
                                    + system.name()
                                    + ": database unreachable for "
                                    + next.downMillis() / 1000
                                    + " s (writer.outage-timeout), "
                                    + batch.size()
                                    + " rows not written: "
                                    + SqlErrors.describe(e)
                            : "system "
                                    + system.name()
                                    + ": writing "
                                    + batch.size()
                                    + " rows failed after "
                                    + next.failures()
                                    + " attempts: "
                                    + SqlErrors.describe(e),
                    e);
        }
        if (unreachable) {
            LOG.warn(
                    "system {}: database unreachable ({}); {} writes held back (down for {} s), retry in {} ms",
                    system.name(),
                    SqlErrors.describe(e),
                    batch.size(),
                    next.downMillis() / 1000,
                    next.waitMillis());
        } else {
            LOG.warn(
                    "system {}: write failed ({}); retry {} of {} in {} ms",
                    system.name(),
                    SqlErrors.describe(e),
                    next.failures(),
                    retry.maxRetries(),
                    next.waitMillis());
        }
        return next.waitMillis();
    }

    /**
     * Re-runs a batch that failed on its data one intent per transaction: the failing ones are
     * dead-lettered, and rejected inserts are recorded so that the golden stage does not resend
     * them. Another error now fails the flush at once.
     */
    private void runOneByOne(List<WriteIntent> batch) throws IOException {
        List<String> rejectedInserts = new ArrayList<>();
        for (WriteIntent intent : batch) {
            try {
                reporter.committed(run(List.of(intent)));
            } catch (SQLException e) {
                session.rollbackQuietly();
                if (!dialect.isDataError(e)) {
                    throw new IOException(
                            "system " + system.name() + ": write failed: " + SqlErrors.describe(e),
                            e);
                }
                reporter.rejected(intent, e);
                if (intent.operation() == WriteIntent.Operation.INSERT) {
                    rejectedInserts.add(intent.goldenKey());
                }
            }
        }
        reporter.rejectedInserts(rejectedInserts);
    }

    private List<WriteOutcome> run(List<WriteIntent> batch) throws SQLException {
        Connection connection = session.connection();
        if (transaction == null) {
            transaction = new WriteTransaction(session.statements(), writesTable);
        }
        return transaction.run(connection, batch);
    }
}
