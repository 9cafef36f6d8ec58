package io.bidisync.job.deadletter;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/**
 * The dead-letter output that writes each dead letter to the job's log ({@link DeadLetterLog}). The
 * records are counted where they are dead-lettered, so the count is by system.
 */
public class DeadLetterLogSink implements Sink<DeadLetter> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<DeadLetter> createWriter(WriterInitContext context) {
        return new SinkWriter<>() {
            @Override
            public void write(DeadLetter element, Context context) {
                DeadLetterLog.report(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }

    /** Flink 1.20 calls {@link #createWriter(WriterInitContext)}; this one is never used. */
    @Deprecated
    @Override
    public SinkWriter<DeadLetter> createWriter(InitContext context) {
        throw new UnsupportedOperationException("use createWriter(WriterInitContext)");
    }
}
