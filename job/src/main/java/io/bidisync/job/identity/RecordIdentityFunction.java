package io.bidisync.job.identity;

import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.source.RecordChange;

import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * Follows each source record's identity, keyed by (system, primary key).
 *
 * <p>It knows which golden record (match key) a record is linked to, so that when the key changes
 * it can tell the old golden record that the record left ({@link LinkChange.Kind#MOVED_OUT}) before
 * the new one gets it. It also drops repeated deliveries of a version it has seen: the CDC source
 * may deliver a row twice (after a restart, at the snapshot→stream switch), and a repeat must
 * change nothing downstream. Records without a match key are not synced: counted, logged.
 *
 * <p>State ends with the record: a delete clears it. A TTL of a year since the last change backs
 * that up for records that disappear without a delete event (e.g. a truncated table).
 */
public class RecordIdentityFunction extends KeyedProcessFunction<String, RecordChange, LinkChange> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RecordIdentityFunction.class);

    static final Duration IDENTITY_TTL = Duration.ofDays(365);

    /** The match key, version and values hash last seen for the record. */
    static final ValueStateDescriptor<RecordIdentity> RECORD_IDENTITY = recordIdentity();

    private transient ValueState<RecordIdentity> identity;
    private transient Counter withoutMatchKey;
    private transient Counter duplicates;

    private static ValueStateDescriptor<RecordIdentity> recordIdentity() {
        ValueStateDescriptor<RecordIdentity> descriptor =
                new ValueStateDescriptor<>("record-identity", RecordIdentity.class);
        descriptor.enableTimeToLive(
                StateTtlConfig.newBuilder(IDENTITY_TTL)
                        .setUpdateType(StateTtlConfig.UpdateType.OnCreateAndWrite)
                        .build());
        return descriptor;
    }

    @Override
    public void open(Configuration parameters) {
        identity = getRuntimeContext().getState(RECORD_IDENTITY);
        var metrics = SyncMetrics.of(getRuntimeContext().getMetricGroup());
        withoutMatchKey = metrics.counter(SyncMetrics.RECORDS_WITHOUT_MATCH_KEY);
        duplicates = metrics.counter(SyncMetrics.DUPLICATES_DROPPED);
    }

    @Override
    public void processElement(RecordChange change, Context ctx, Collector<LinkChange> out)
            throws Exception {
        RecordIdentity known = identity.value();
        if (change.kind() == RecordChange.Kind.DELETE) {
            if (known != null) {
                out.collect(link(known.matchKey(), LinkChange.Kind.DELETED, change, new long[0]));
                identity.clear();
            }
            return;
        }
        if (change.kind() != RecordChange.Kind.UPSERT) {
            return;
        }
        if (change.matchKey() == null) {
            withoutMatchKey.inc();
            LOG.warn(
                    "Record without match key is not synced: system={} key={}",
                    change.system(),
                    change.localId());
            if (known != null) {
                out.collect(link(known.matchKey(), LinkChange.Kind.MOVED_OUT, change, new long[0]));
                identity.clear();
            }
            return;
        }
        if (known != null && isRepeat(known, change)) {
            duplicates.inc();
            return;
        }
        long[] changedAt = new long[change.values().length];
        for (int i = 0; i < changedAt.length; i++) {
            boolean same = known != null && Objects.equals(known.values()[i], change.values()[i]);
            if (same) {
                changedAt[i] = known.changedAt()[i];
            } else if (change.byJob() && i < change.writtenAt().length) {
                // The job's own write: the value is as old as at its source.
                changedAt[i] = change.writtenAt()[i];
            } else {
                changedAt[i] = change.eventTime();
            }
        }
        if (known != null && !known.matchKey().equals(change.matchKey())) {
            out.collect(link(known.matchKey(), LinkChange.Kind.MOVED_OUT, change, new long[0]));
        }
        out.collect(link(change.matchKey(), LinkChange.Kind.UPSERT, change, changedAt));
        identity.update(
                new RecordIdentity(
                        change.matchKey(), change.version(), change.values(), changedAt));
    }

    /**
     * A repeat is the same version with the same values, or an older version: versions only grow,
     * so an older one is a replay of something already processed.
     */
    private static boolean isRepeat(RecordIdentity known, RecordChange change) {
        if (known.version() != null && change.version() != null) {
            if (change.version() < known.version()) {
                return true;
            }
            return change.version().equals(known.version())
                    && Arrays.equals(known.values(), change.values());
        }
        return Objects.equals(known.version(), change.version())
                && Arrays.equals(known.values(), change.values())
                && known.matchKey().equals(change.matchKey());
    }

    private static LinkChange link(
            String matchKey, LinkChange.Kind kind, RecordChange change, long[] changedAt) {
        String[] values = kind == LinkChange.Kind.UPSERT ? change.values() : new String[0];
        return new LinkChange(
                matchKey,
                kind,
                change.system(),
                change.localId(),
                change.version(),
                change.eventTime(),
                values,
                changedAt);
    }
}
