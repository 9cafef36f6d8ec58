package io.bidisync.job.identity;

import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.source.RecordChange;

import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Follows each source record's identity, keyed by (system, primary key).
 *
 * <p>It knows which golden record (match key) a record is linked to, so that when the key changes
 * it can tell the old golden record that the record left ({@link LinkChange.Kind#MOVED_OUT}) before
 * the new one gets it. It also drops repeated deliveries of a version it has seen: the CDC source
 * may deliver a change twice (after a restart), and a repeat must change nothing downstream.
 * Records without a match key are not synced: counted, logged.
 *
 * <p><b>Snapshot rows and the log.</b> A snapshot reads a row at some moment after the job's
 * replication slot exists, and the log then delivers every change committed since the slot exists,
 * with its commit time — also the changes the snapshot already saw. A row's values read by the
 * snapshot are therefore kept with age 0 (older than the job) only until its first change arrives
 * from the log: if that change committed clearly after the read ({@code skew} later), the snapshot
 * showed the row as it was before it, and the values compare as usual; otherwise the snapshot may
 * already hold the change, so which values it changed cannot be told, and all of the row's values
 * count as changed at that commit ({@link LinkChange.Origin#RESTATED}). Deciding which edit wins by
 * priority instead would overwrite an edit made while the job started.
 *
 * <p>End of life: a record's state ends with the record — cleared by its delete, or when it loses
 * its match key. There is deliberately no time-to-live: a forgotten record could no longer leave
 * its golden record when it is deleted or takes another match key.
 */
public class RecordIdentityFunction extends KeyedProcessFunction<String, RecordChange, LinkChange> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(RecordIdentityFunction.class);

    /** The match key, version, values and their ages last seen for the record. */
    static final ValueStateDescriptor<RecordIdentity> RECORD =
            new ValueStateDescriptor<>("record", RecordIdentity.class);

    private static final long[] NO_TIMES = new long[0];
    private static final String[] NO_VALUES = new String[0];

    private final int attributes;
    private final long skewMillis;
    private final Map<String, boolean[]> reread;

    private transient ValueState<RecordIdentity> identity;
    private transient Counter withoutMatchKey;
    private transient Counter duplicates;

    /**
     * @param attributes how many global attributes there are
     * @param skewMillis how far the clocks of the databases and the job may be apart (the
     *     completeness delay covers it): a change committed more than this after a snapshot read
     *     the row is certainly not in what the snapshot read
     * @param reread per system read again after it came to map more attributes, those attributes
     *     (by index): its snapshot brings their values for rows the log already follows
     */
    public RecordIdentityFunction(int attributes, long skewMillis, Map<String, boolean[]> reread) {
        this.attributes = attributes;
        this.skewMillis = skewMillis;
        this.reread = new HashMap<>(reread);
    }

    @Override
    public void open(Configuration parameters) {
        identity = getRuntimeContext().getState(RECORD);
        var metrics = SyncMetrics.of(getRuntimeContext().getMetricGroup());
        withoutMatchKey = metrics.counter(SyncMetrics.RECORDS_WITHOUT_MATCH_KEY);
        duplicates = metrics.counter(SyncMetrics.DUPLICATES_DROPPED);
    }

    @Override
    public void processElement(RecordChange change, Context ctx, Collector<LinkChange> out)
            throws Exception {
        if (change.isInsertOutcome()) {
            // Not about a record: passed on to the golden record it concerns.
            out.collect(
                    new LinkChange(
                            change.matchKey(),
                            change.kind() == RecordChange.Kind.INSERT_HELD
                                    ? LinkChange.Kind.INSERT_HELD
                                    : LinkChange.Kind.INSERT_REJECTED,
                            change.system(),
                            null,
                            null,
                            change.eventTime(),
                            NO_VALUES,
                            NO_TIMES,
                            LinkChange.Origin.JOB));
            return;
        }
        RecordIdentity known = identity.value();
        if (known != null) {
            known = known.widened(attributes);
        }
        if (change.kind() == RecordChange.Kind.DELETE) {
            if (known != null) {
                out.collect(left(known, LinkChange.Kind.DELETED, change));
                identity.clear();
            }
            return;
        }
        if (!change.hasValues()) {
            return;
        }
        change = change.withUnavailableFrom(known == null ? null : known.values());
        if (change.matchKey() == null) {
            withoutMatchKey.inc();
            LOG.warn(
                    "Record without match key is not synced: system={} key={}",
                    change.system(),
                    change.localId());
            if (known != null) {
                out.collect(left(known, LinkChange.Kind.MOVED_OUT, change));
                identity.clear();
            }
            return;
        }
        RecordIdentity next =
                change.kind() == RecordChange.Kind.SNAPSHOT
                        ? read(known, change)
                        : changed(known, change);
        if (next == null) {
            duplicates.inc();
            return;
        }
        if (known != null && !known.matchKey().equals(next.matchKey())) {
            out.collect(left(known, LinkChange.Kind.MOVED_OUT, change));
        }
        out.collect(
                new LinkChange(
                        next.matchKey(),
                        LinkChange.Kind.UPSERT,
                        change.system(),
                        change.localId(),
                        next.version(),
                        change.eventTime(),
                        next.values(),
                        next.ages(),
                        origin(known, next, change)));
        identity.update(next);
    }

    /**
     * A row read by a snapshot: new, read again (a snapshot restarted after a failure), or read
     * again for attributes its system newly maps. Its values are undated; {@code null} when it
     * changes nothing.
     */
    private RecordIdentity read(RecordIdentity known, RecordChange change) {
        boolean[] fresh = reread.get(change.system());
        if (known != null && !known.readBySnapshotOnly()) {
            // Followed through the log already, which is newer than any snapshot, except for the
            // attributes the system did not map before.
            return fresh == null ? null : refilled(known, change, fresh);
        }
        if (known != null && sameRecord(known, change)) {
            return null;
        }
        long[] undated = new long[change.values().length];
        Arrays.fill(undated, RecordIdentity.UNDATED);
        return new RecordIdentity(
                change.matchKey(), change.version(), change.values(), undated, change.eventTime());
    }

    /** {@code known} with the snapshot's values of the {@code fresh} attributes, or null. */
    private static RecordIdentity refilled(
            RecordIdentity known, RecordChange change, boolean[] fresh) {
        String[] values = known.values().clone();
        long[] changedAt = known.changedAt().clone();
        boolean changed = false;
        for (int i = 0; i < values.length && i < fresh.length; i++) {
            if (fresh[i] && !Objects.equals(values[i], change.values()[i])) {
                values[i] = change.values()[i];
                changedAt[i] = RecordIdentity.UNDATED;
                changed = true;
            }
        }
        return changed
                ? new RecordIdentity(
                        known.matchKey(), known.version(), values, changedAt, change.eventTime())
                : null;
    }

    /** A change from the log; {@code null} when it is a repeat of one already processed. */
    private RecordIdentity changed(RecordIdentity known, RecordChange change) {
        // A row only a snapshot has shown takes every change of the log, older versions too:
        // they bring the times of what the snapshot read.
        if (known != null && !known.readBySnapshotOnly() && isRepeat(known, change)) {
            return null;
        }
        boolean afterRead = known != null && clearlyAfterRead(known, change);
        long[] changedAt = new long[change.values().length];
        for (int i = 0; i < changedAt.length; i++) {
            boolean same =
                    known != null
                            && i < known.values().length
                            && Objects.equals(known.values()[i], change.values()[i]);
            long before = known == null ? 0 : known.changedAt()[i];
            if (before == RecordIdentity.UNDATED) {
                // Read by a snapshot: unchanged if the change came after the read, else the
                // snapshot may already hold it, and the value counts as changed now.
                changedAt[i] = same && afterRead ? 0 : timeOf(change, i);
            } else {
                changedAt[i] = same ? before : timeOf(change, i);
            }
        }
        return new RecordIdentity(
                change.matchKey(), change.version(), change.values(), changedAt, 0);
    }

    /**
     * Who made the change: the job (its writes table says so), or someone else — {@link
     * LinkChange.Origin#RESTATED} when {@code next} dates values equal to the ones before it, which
     * the golden stage must take as they are: a change the snapshot may already have held.
     */
    private static LinkChange.Origin origin(
            RecordIdentity known, RecordIdentity next, RecordChange change) {
        if (change.byJob()) {
            return LinkChange.Origin.JOB;
        }
        return restated(known, next, change)
                ? LinkChange.Origin.RESTATED
                : LinkChange.Origin.OUTSIDE;
    }

    private static boolean restated(
            RecordIdentity known, RecordIdentity next, RecordChange change) {
        if (known == null || change.kind() != RecordChange.Kind.UPSERT) {
            return false;
        }
        for (int i = 0; i < known.changedAt().length && i < next.changedAt().length; i++) {
            if (known.changedAt()[i] == RecordIdentity.UNDATED
                    && next.changedAt()[i] != 0
                    && Objects.equals(known.values()[i], next.values()[i])) {
                return true;
            }
        }
        return false;
    }

    /** When the change's value of attribute {@code i} changed at its source. */
    private static long timeOf(RecordChange change, int i) {
        // The job's own write: the value is as old as at its source.
        return change.byJob() && i < change.writtenAt().length
                ? change.writtenAt()[i]
                : change.eventTime();
    }

    /** Whether a change from the log committed after the snapshot read the record. */
    private boolean clearlyAfterRead(RecordIdentity known, RecordChange change) {
        return change.eventTime() > known.readAt() + skewMillis;
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
        return sameRecord(known, change);
    }

    private static boolean sameRecord(RecordIdentity known, RecordChange change) {
        return Objects.equals(known.version(), change.version())
                && Arrays.equals(known.values(), change.values())
                && known.matchKey().equals(change.matchKey());
    }

    /** The record left the golden record it was linked to. */
    private static LinkChange left(
            RecordIdentity known, LinkChange.Kind kind, RecordChange change) {
        return new LinkChange(
                known.matchKey(),
                kind,
                change.system(),
                change.localId(),
                change.version(),
                change.eventTime(),
                NO_VALUES,
                NO_TIMES,
                LinkChange.Origin.OUTSIDE);
    }
}
