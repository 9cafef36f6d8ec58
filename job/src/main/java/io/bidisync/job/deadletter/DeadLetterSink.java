package io.bidisync.job.deadletter;

import io.bidisync.job.config.SyncConfig;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The dead-letter output of records the job could not parse or decide about: reported through a
 * {@link DeadLetterReporter} (the log, and the dead-letter table when configured). The records are
 * counted where they are dead-lettered, so the count is by system.
 */
public class DeadLetterSink implements Sink<DeadLetter> {
    private static final long serialVersionUID = 1L;

    private final SyncConfig config;

    public DeadLetterSink(SyncConfig config) {
        this.config = config;
    }

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
        DeadLetterReporter reporter = new DeadLetterReporter(config);
        return new SinkWriter<>() {
            @Override
            public void write(DeadLetter element, Context context) {
                reporter.report(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {
                reporter.close();
            }
        };
    }

    /** Flink 1.20 calls {@link #createWriter(WriterInitContext)}; this one is never used. */
    @Deprecated
    @Override
    public SinkWriter<DeadLetter> createWriter(InitContext context) {
        throw new UnsupportedOperationException("use createWriter(WriterInitContext)");
    }
}
