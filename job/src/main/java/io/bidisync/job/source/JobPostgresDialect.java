package io.bidisync.job.source;

import org.apache.flink.cdc.connectors.base.config.JdbcSourceConfig;
import org.apache.flink.cdc.connectors.base.source.meta.offset.Offset;
import org.apache.flink.cdc.connectors.postgres.source.PostgresDialect;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfig;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CDC connector's PostgreSQL dialect with two deviations, both about not losing changes.
 *
 * <p><b>The log from the slot's start.</b> Upstream (flink-cdc 3.5.0) reads each snapshot chunk
 * between a low and a high watermark (the current WAL position before and after the chunk's SELECT)
 * and later drops every change of that chunk's rows logged before the high watermark, as "already
 * in the snapshot". A transaction that wrote a row before the high watermark but committed after it
 * is in neither: the SELECT could not see it, the log filter drops it, and the change is lost. The
 * job's source skips that backfill and, through {@link #displayCurrentOffset}, places every chunk's
 * low watermark at the replication slot's confirmed position — on a first start, where the slot was
 * created. The log is then read from there with no filter: every change committed since the slot
 * exists arrives with its commit time, also the ones the snapshot already saw (the identity stage
 * knows how to take those, see {@code RecordIdentityFunction}).
 *
 * <p><b>Shared pools.</b> Upstream {@code JdbcDataSourceDialect.close()} clears a JVM-wide
 * registry: it closes every pool and forgets every pool factory. It runs whenever a source's
 * enumerator closes (job end, global failover). This job has one CDC source per system, and a
 * MiniCluster or a JobManager runs several enumerators in one JVM, so one closing source broke the
 * others ("Pool factory identifier is required for connection pool …"). Here the registry is
 * cleared only when the last enumerator in the JVM closes, which keeps the upstream clean-up for
 * the job's end.
 */
class JobPostgresDialect extends PostgresDialect {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger OPEN_ENUMERATORS = new AtomicInteger();

    private final boolean fromSlotStart;

    /**
     * @param fromSlotStart whether snapshot chunks start at the slot's confirmed position (the
     *     job's source) or at the current WAL position (upstream's behaviour, for the plan's
     *     bounded snapshot)
     */
    JobPostgresDialect(PostgresSourceConfig sourceConfig, boolean fromSlotStart) {
        super(sourceConfig);
        this.fromSlotStart = fromSlotStart;
    }

    /** Called when an enumerator that will close this dialect is created. */
    static void enumeratorOpened() {
        OPEN_ENUMERATORS.incrementAndGet();
    }

    /**
     * Where a snapshot chunk starts in the log. Upstream asks this only for the chunks' low and
     * high watermarks (equal without backfill) and for a stream-only start, which the job does not
     * use.
     */
    @Override
    public Offset displayCurrentOffset(JdbcSourceConfig sourceConfig) {
        return fromSlotStart
                ? displayCommittedOffset(sourceConfig)
                : super.displayCurrentOffset(sourceConfig);
    }

    @Override
    public void close() throws IOException {
        if (OPEN_ENUMERATORS.decrementAndGet() <= 0) {
            OPEN_ENUMERATORS.set(0);
            super.close();
        }
    }
}
