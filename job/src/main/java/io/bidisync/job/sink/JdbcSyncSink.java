package io.bidisync.job.sink;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.golden.WriteIntent;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.IOException;

/**
 * Writes one system's {@link WriteIntent}s with conditional JDBC statements, and keeps that
 * system's heartbeat row beating. Every system gets one, read-only systems included: their writer
 * only beats.
 */
public class JdbcSyncSink implements Sink<WriteIntent> {
    private static final long serialVersionUID = 1L;

    private final SyncConfig config;
    private final String system;

    public JdbcSyncSink(SyncConfig config, String system) {
        this.config = config;
        this.system = system;
    }

    @Override
    public SinkWriter<WriteIntent> createWriter(WriterInitContext context) throws IOException {
        return new JdbcSyncWriter(
                config,
                config.system(system),
                context.getProcessingTimeService(),
                context.metricGroup(),
                context.getTaskInfo().getIndexOfThisSubtask());
    }

    /** Flink 1.20 calls {@link #createWriter(WriterInitContext)}; this one is never used. */
    @Deprecated
    @Override
    public SinkWriter<WriteIntent> createWriter(InitContext context) {
        throw new UnsupportedOperationException("use createWriter(WriterInitContext)");
    }
}
