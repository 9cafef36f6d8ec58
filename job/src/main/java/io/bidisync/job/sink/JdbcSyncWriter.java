package io.bidisync.job.sink;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.WriteOperation;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.golden.WriteIntent;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.metrics.MetricGroup;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Buffers one system's write intents and hands them to a {@link BatchFlusher}, which writes them as
 * conditional statements in one transaction per flush.
 *
 * <p>Flushes happen when the buffer is full, on the runtime's processing-time timer, and before
 * every checkpoint, all on the task's own thread. Within a buffer only the latest intent per row
 * (per golden record for inserts) is kept. What a flush does when the database fails or is away is
 * {@link BatchFlusher}'s; what became of each write, {@link OutcomeReporter}'s. On subtask 0 the
 * writer also keeps the system's heartbeat row beating ({@link HeartbeatWriter}).
 *
 * <pre>
 *   write ─▶ buffer ─(full | timer | checkpoint)─▶ BatchFlusher ─▶ WriteTransaction ─▶ WriteExecutors
 *                                                       └──▶ OutcomeReporter (counters, audit, dead letters)
 * </pre>
 */
final class JdbcSyncWriter implements SinkWriter<WriteIntent> {
    private static final Logger LOG = LoggerFactory.getLogger(JdbcSyncWriter.class);

    private final SystemConfig system;
    private final int batchSize;
    private final long flushIntervalMillis;
    private final ProcessingTimeService time;
    private final WriteCounters counters;
    private final WriterSession session;
    private final OutcomeReporter reporter;
    private final BatchFlusher flusher;

    /** The intents not yet flushed, by row (updates, deletes) or golden record (inserts). */
    private final Map<String, WriteIntent> buffer = new LinkedHashMap<>();

    private boolean flushScheduled;

    JdbcSyncWriter(
            SyncConfig config,
            SystemConfig system,
            ProcessingTimeService time,
            MetricGroup metrics,
            int subtask)
            throws IOException {
        this.system = system;
        this.batchSize = config.writer().batchSize();
        this.flushIntervalMillis = config.writer().flushInterval().toMillis();
        this.time = time;
        this.counters = new WriteCounters(metrics, system.name());
        this.session = WriterSession.open(config, system);
        WritesTable writesTable =
                new WritesTable(
                        JobTables.markWritesSql(config, system), config.entity(), subtask, session);
        this.reporter = new OutcomeReporter(config, system, counters, writesTable);
        this.flusher =
                new BatchFlusher(
                        system, session, writesTable, RetryPolicy.of(config.writer()), reporter);
        if (subtask == 0) {
            new HeartbeatWriter(
                            system,
                            JobTables.beatSql(config, system),
                            config.completeness().heartbeatInterval(),
                            time,
                            session)
                    .start();
        }
    }

    /** The outcome counters (for tests). */
    WriteCounters counters() {
        return counters;
    }

    @Override
    public void write(WriteIntent intent, Context context)
            throws IOException, InterruptedException {
        if (!system.mayWrite(operation(intent))) {
            LOG.warn(
                    "system {}: dropping {} not in its write list",
                    system.name(),
                    intent.operation());
            return;
        }
        String key =
                intent.operation() == WriteIntent.Operation.INSERT
                        ? "insert/" + intent.goldenKey()
                        : "row/" + intent.localId();
        // Removed first, so that the latest intent also takes the latest place in the batch.
        buffer.remove(key);
        buffer.put(key, intent);
        if (buffer.size() >= batchSize) {
            flushBuffer();
        } else if (!flushScheduled) {
            flushScheduled = true;
            time.registerTimer(
                    time.getCurrentProcessingTime() + flushIntervalMillis,
                    now -> {
                        flushScheduled = false;
                        flushBuffer();
                    });
        }
    }

    @Override
    public void flush(boolean endOfInput) throws IOException, InterruptedException {
        flushBuffer();
    }

    @Override
    public void close() {
        session.close();
        reporter.close();
    }

    private void flushBuffer() throws IOException, InterruptedException {
        if (buffer.isEmpty()) {
            return;
        }
        List<WriteIntent> batch = new ArrayList<>(buffer.values());
        buffer.clear();
        flusher.flush(batch);
    }

    private static WriteOperation operation(WriteIntent intent) {
        return switch (intent.operation()) {
            case INSERT -> WriteOperation.INSERT;
            case UPDATE -> WriteOperation.UPDATE;
            case DELETE -> WriteOperation.DELETE;
        };
    }
}
