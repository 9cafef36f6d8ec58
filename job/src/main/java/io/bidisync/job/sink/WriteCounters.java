package io.bidisync.job.sink;

import io.bidisync.job.metrics.SyncMetrics;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/** The outcome counters of one system's writer. */
final class WriteCounters {
    final Counter inserts;
    final Counter updates;
    final Counter deletes;
    final Counter conflicts;
    final Counter insertsBlocked;
    final Counter deadLetters;

    WriteCounters(MetricGroup operatorGroup, String system) {
        MetricGroup group = SyncMetrics.forSystem(operatorGroup, system);
        inserts = group.counter(SyncMetrics.INSERTS);
        updates = group.counter(SyncMetrics.UPDATES);
        deletes = group.counter(SyncMetrics.DELETES);
        conflicts = group.counter(SyncMetrics.CONFLICTS);
        insertsBlocked = group.counter(SyncMetrics.INSERTS_BLOCKED);
        deadLetters = group.counter(SyncMetrics.DEAD_LETTERS);
    }
}
