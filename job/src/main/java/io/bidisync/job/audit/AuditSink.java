package io.bidisync.job.audit;

import io.bidisync.job.config.SyncConfig;

import org.apache.flink.api.common.operators.ProcessingTimeService;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes the golden stage's audit entries to the audit table: batched, flushed on the writer's
 * flush interval (on the runtime's timer), at checkpoints and at the end.
 */
public class AuditSink implements Sink<AuditEntry> {
    private static final long serialVersionUID = 1L;
    private static final int BATCH = 500;

    private final SyncConfig config;

    public AuditSink(SyncConfig config) {
        this.config = config;
    }

    @Override
    public SinkWriter<AuditEntry> createWriter(WriterInitContext context) {
        return new Writer(
                AuditLog.of(config),
                context.getProcessingTimeService(),
                config.writer().flushInterval().toMillis());
    }

    /** Flink 1.20 calls {@link #createWriter(WriterInitContext)}; this one is never used. */
    @Deprecated
    @Override
    public SinkWriter<AuditEntry> createWriter(InitContext context) {
        throw new UnsupportedOperationException("use createWriter(WriterInitContext)");
    }

    private static final class Writer implements SinkWriter<AuditEntry> {
        private final AuditLog log;
        private final ProcessingTimeService time;
        private final long intervalMillis;
        private final List<AuditEntry> buffer = new ArrayList<>();
        private boolean flushScheduled;

        Writer(AuditLog log, ProcessingTimeService time, long intervalMillis) {
            this.log = log;
            this.time = time;
            this.intervalMillis = intervalMillis;
        }

        @Override
        public void write(AuditEntry entry, Context context) {
            buffer.add(entry);
            if (buffer.size() >= BATCH) {
                flush(false);
            } else if (!flushScheduled) {
                flushScheduled = true;
                time.registerTimer(
                        time.getCurrentProcessingTime() + intervalMillis,
                        now -> {
                            flushScheduled = false;
                            flush(false);
                        });
            }
        }

        @Override
        public void flush(boolean endOfInput) {
            log.record(buffer);
            buffer.clear();
        }

        @Override
        public void close() {
            flush(true);
            log.close();
        }
    }
}
