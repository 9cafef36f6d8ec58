package io.bidisync.job.reference;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.source.RecordChange;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Lets a record's change into the identity stage only once its references are resolved, keyed by
 * the record ({@code system/localId}, as the identity stage): each reference value, that system's
 * primary key of the referenced row, is replaced by the golden record the row is linked to, so a
 * reference means the same in every system and compares equal where two systems point at the same
 * real entity.
 *
 * <p>A change whose referenced row is not known yet waits (rows of one snapshot arrive in any
 * order; a parent inserted in the same transaction may arrive after its child). Only the newest
 * change of a record waits: it holds all of the record's values. After the reference's wait it is a
 * dead letter ({@code unresolved reference}), and keeps waiting — or, where the configuration says
 * so, passes with no value there. When a referenced row moves to another golden record (a merge),
 * the record's last change passes again, re-pointed, as a change at that moment.
 *
 * <p>End of life: the record's state is cleared by its delete; answers for references it no longer
 * holds are dropped whenever it passes a change.
 */
public class ReferenceGate
        extends KeyedCoProcessFunction<String, RecordChange, Resolution, RecordChange> {
    private static final long serialVersionUID = 1L;

    /** The record's newest change, with its references as its system holds them. */
    static final ValueStateDescriptor<RecordChange> LAST_CHANGE =
            new ValueStateDescriptor<>("last-change", TypeInformation.of(RecordChange.class));

    /** Whether the newest change has passed (resolved, or with unresolved references as null). */
    static final ValueStateDescriptor<Boolean> PASSED =
            new ValueStateDescriptor<>("passed", Types.BOOLEAN);

    /** The wait's deadline of a change that has not passed (event time). */
    static final ValueStateDescriptor<Long> DEADLINE =
            new ValueStateDescriptor<>("deadline", Types.LONG);

    /**
     * What the referenced rows stand for: {@code attribute/localId} → golden record, or {@link
     * #DELETED} for a row that was deleted.
     */
    static final MapStateDescriptor<String, String> RESOLVED =
            new MapStateDescriptor<>("resolved", Types.STRING, Types.STRING);

    /** The golden record of a referenced row that was deleted. */
    static final String DELETED = "";

    private final SyncConfig config;
    private final int[] references;
    private final long[] waits;
    private final boolean[] writeNull;

    /** How long a change waits: the longest of its references' waits. */
    private final long maxWaitMillis;

    /** The match key's attribute indexes where it has references, else null. */
    private final int[] matchKeyIndexes;

    private transient ValueState<RecordChange> last;
    private transient ValueState<Boolean> passed;
    private transient ValueState<Long> deadline;
    private transient MapState<String, String> resolved;
    private transient Counter unresolved;

    public ReferenceGate(SyncConfig config) {
        this.config = config;
        List<Integer> indexes = new ArrayList<>();
        for (int i = 0; i < config.attributes().size(); i++) {
            if (config.isReference(i)) {
                indexes.add(i);
            }
        }
        this.references = indexes.stream().mapToInt(Integer::intValue).toArray();
        this.matchKeyIndexes = config.matchesByReference() ? config.matchKeyIndexes() : null;
        this.waits = new long[references.length];
        this.writeNull = new boolean[references.length];
        for (int r = 0; r < references.length; r++) {
            SyncConfig.Reference reference =
                    config.references().get(config.attributes().name(references[r]));
            waits[r] = reference.maxWait().toMillis();
            writeNull[r] = reference.writeNull();
        }
        this.maxWaitMillis = Arrays.stream(waits).max().orElse(0);
    }

    @Override
    public void open(Configuration parameters) {
        last = getRuntimeContext().getState(LAST_CHANGE);
        passed = getRuntimeContext().getState(PASSED);
        deadline = getRuntimeContext().getState(DEADLINE);
        resolved = getRuntimeContext().getMapState(RESOLVED);
        unresolved =
                SyncMetrics.of(getRuntimeContext().getMetricGroup())
                        .counter(SyncMetrics.UNRESOLVED_REFERENCES);
    }

    @Override
    public void processElement1(RecordChange change, Context ctx, Collector<RecordChange> out)
            throws Exception {
        if (change.kind() == RecordChange.Kind.DELETE) {
            clear(ctx);
            out.collect(change);
            return;
        }
        if (!change.hasValues()) {
            out.collect(change);
            return;
        }
        last.update(change);
        RecordChange resolvedChange = resolve(change, false);
        if (resolvedChange != null) {
            pass(resolvedChange, ctx, out);
            return;
        }
        passed.update(false);
        long due = change.eventTime() + maxWaitMillis;
        Long before = deadline.value();
        if (before == null || before != due) {
            if (before != null) {
                ctx.timerService().deleteEventTimeTimer(before);
            }
            ctx.timerService().registerEventTimeTimer(due);
            deadline.update(due);
        }
    }

    @Override
    public void processElement2(Resolution answer, Context ctx, Collector<RecordChange> out)
            throws Exception {
        String slot = slot(answer.attribute(), answer.localId());
        String before = resolved.get(slot);
        String now = answer.golden() == null ? DELETED : answer.golden();
        resolved.put(slot, now);
        RecordChange change = last.value();
        if (change == null
                || !answer.localId().equals(valueOf(change, answer.attribute()))
                || now.equals(before)) {
            return;
        }
        if (!Boolean.TRUE.equals(passed.value())) {
            RecordChange resolvedChange = resolve(change, false);
            if (resolvedChange != null) {
                pass(resolvedChange, ctx, out);
            }
            return;
        }
        if (answer.golden() == null) {
            // The row it points at is gone: the record keeps its last value (the database's
            // foreign key, or the next change of the record, says what becomes of it).
            deadLetter(ctx, change, answer.attribute(), "the referenced row was deleted");
            return;
        }
        // Re-pointed: the referenced row now stands for another golden record (a merge).
        RecordChange repointed = resolve(change, true);
        if (repointed != null) {
            out.collect(
                    new RecordChange(
                            repointed.system(),
                            RecordChange.Kind.UPSERT,
                            repointed.localId(),
                            repointed.matchKey(),
                            repointed.version(),
                            Math.max(answer.eventTime(), change.eventTime()),
                            repointed.values(),
                            new long[0]));
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<RecordChange> out)
            throws Exception {
        deadline.clear();
        RecordChange change = last.value();
        if (change == null || Boolean.TRUE.equals(passed.value())) {
            return;
        }
        boolean allowNull = true;
        for (int r = 0; r < references.length; r++) {
            int attribute = references[r];
            String localId = valueOf(change, attribute);
            String golden = localId == null ? null : resolved.get(slot(attribute, localId));
            if (localId != null && (golden == null || golden.equals(DELETED))) {
                unresolved.inc();
                deadLetter(
                        ctx,
                        change,
                        attribute,
                        golden == null ? "not known after " + waits[r] + " ms" : "deleted");
                allowNull &= writeNull[r];
            }
        }
        if (allowNull) {
            pass(resolve(change, true), ctx, out);
        }
    }

    /**
     * The change with each reference replaced by its golden record; {@code null} when one is not
     * resolved, unless {@code nullIfUnresolved}: then it has no value there.
     */
    private RecordChange resolve(RecordChange change, boolean nullIfUnresolved) throws Exception {
        String[] values = change.values().clone();
        for (int attribute : references) {
            String localId = valueOf(change, attribute);
            if (localId == null || RecordChange.UNAVAILABLE.equals(localId)) {
                continue;
            }
            String golden = resolved.get(slot(attribute, localId));
            if (golden == null || golden.equals(DELETED)) {
                if (!nullIfUnresolved) {
                    return null;
                }
                values[attribute] = null;
            } else {
                values[attribute] = golden;
            }
        }
        return new RecordChange(
                change.system(),
                change.kind(),
                change.localId(),
                // A join table's key is its references: the golden records they stand for.
                matchKeyIndexes == null
                        ? change.matchKey()
                        : config.matchKey().of(values, matchKeyIndexes),
                change.version(),
                change.eventTime(),
                values,
                change.writtenAt());
    }

    private void pass(RecordChange change, Context ctx, Collector<RecordChange> out)
            throws Exception {
        out.collect(change);
        passed.update(true);
        Long due = deadline.value();
        if (due != null) {
            ctx.timerService().deleteEventTimeTimer(due);
            deadline.clear();
        }
        forgetOthers(last.value());
    }

    /** Drops what is known of rows the record no longer references. */
    private void forgetOthers(RecordChange change) throws Exception {
        List<String> stale = new ArrayList<>();
        for (String slot : resolved.keys()) {
            int slash = slot.indexOf('/');
            int attribute = Integer.parseInt(slot.substring(0, slash));
            if (!slot.substring(slash + 1).equals(valueOf(change, attribute))) {
                stale.add(slot);
            }
        }
        for (String slot : stale) {
            resolved.remove(slot);
        }
    }

    private void clear(Context ctx) throws Exception {
        Long due = deadline.value();
        if (due != null) {
            ctx.timerService().deleteEventTimeTimer(due);
        }
        last.clear();
        passed.clear();
        deadline.clear();
        resolved.clear();
    }

    private void deadLetter(Context ctx, RecordChange change, int attribute, String why) {
        String name = config.attributes().name(attribute);
        SyncConfig.Reference reference = config.references().get(name);
        ctx.output(
                DeadLetters.TAG,
                new DeadLetter(
                        System.currentTimeMillis(),
                        change.system(),
                        change.localId(),
                        config.scoped("resolve"),
                        "unresolved reference: "
                                + config.entity()
                                + "."
                                + name
                                + " → "
                                + reference.entity()
                                + " row "
                                + valueOf(change, attribute)
                                + " of "
                                + change.system()
                                + " "
                                + why,
                        Arrays.toString(change.values())));
    }

    private static String valueOf(RecordChange change, int attribute) {
        return attribute < change.values().length ? change.values()[attribute] : null;
    }

    private static String slot(int attribute, String localId) {
        return attribute + "/" + localId;
    }
}
