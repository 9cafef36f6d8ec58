package io.bidisync.job.source;

import org.apache.flink.cdc.connectors.postgres.source.PostgresDialect;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfig;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The CDC connector's PostgreSQL dialect, except that closing it does not pull the connection pools
 * from under other CDC sources.
 *
 * <p>Upstream (flink-cdc 3.5.0) {@code JdbcDataSourceDialect.close()} clears a JVM-wide registry:
 * it closes every pool and forgets every pool factory. It runs whenever a source's enumerator
 * closes (job end, global failover). This job has one CDC source per system, and a MiniCluster or a
 * JobManager runs several enumerators in one JVM, so one closing source broke the others ("Pool
 * factory identifier is required for connection pool …"). Here the registry is cleared only when
 * the last enumerator in the JVM closes, which keeps the upstream clean-up for the job's end.
 */
class SharedPoolsPostgresDialect extends PostgresDialect {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger OPEN_ENUMERATORS = new AtomicInteger();

    SharedPoolsPostgresDialect(PostgresSourceConfig sourceConfig) {
        super(sourceConfig);
    }

    /** Called when an enumerator that will close this dialect is created. */
    static void enumeratorOpened() {
        OPEN_ENUMERATORS.incrementAndGet();
    }

    @Override
    public void close() throws IOException {
        if (OPEN_ENUMERATORS.decrementAndGet() <= 0) {
            OPEN_ENUMERATORS.set(0);
            super.close();
        }
    }
}
