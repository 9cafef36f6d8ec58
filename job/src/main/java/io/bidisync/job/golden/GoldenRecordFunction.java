package io.bidisync.job.golden;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.audit.AuditEntry.Action;
import io.bidisync.job.config.DeletePolicy;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.WriteOperation;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.upgrade.JobShape;
import io.bidisync.job.upgrade.SavedShape;
import io.bidisync.udfs.hash.ValueHash;
import io.bidisync.udfs.normalize.ValueComparison;
import io.bidisync.udfs.survivorship.Contribution;
import io.bidisync.udfs.survivorship.Survivorship;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.TimerService;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Keeps one golden record per normalised match key and decides what to write where.
 *
 * <p>Every change to the links is applied to state at once, but nothing is emitted until the
 * watermark — the minimum commit time read from every source — has passed the latest change plus
 * the completeness delay. Only then is the golden record resolved (survivorship) and compared with
 * each system's rows: a linked row whose values differ gets a conditional UPDATE carrying the
 * version last seen; a write-enabled system without a row gets one conditional INSERT, after which
 * a pending-insert marker blocks a second one until the inserted row comes back through CDC.
 *
 * <p>Changes that are the job's own writes coming back (same fingerprint as what was written) are
 * echoes: they refresh the row's version and values but are not new observations, so they never
 * outrank a change someone else made and never start another round of writes.
 *
 * <p>End of life: a golden record's state is cleared when its last link is gone and no insert is
 * pending. Pending inserts end with their echo, or with a timer after the insert timeout. Links
 * have no TTL on purpose: forgetting a live link would make the job insert a duplicate.
 *
 * <p>After a restore (crash, cancel and resubmit, upgrade) the sources replay everything since the
 * checkpoint, the job's own writes made after it included. Nothing is decided until the watermark
 * has reached the moment of the restore: a decision taken earlier would be the one taken before the
 * crash, taken again on knowledge that is missing what happened since — it could re-insert a row a
 * user deleted right after the job's first insert, or rewrite a value someone has changed since.
 */
public class GoldenRecordFunction extends KeyedProcessFunction<String, LinkChange, WriteIntent>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(GoldenRecordFunction.class);

    /** Everything kept for a golden record: links, targets, status, loop guard … */
    static final ValueStateDescriptor<GoldenState> GOLDEN_STATE =
            new ValueStateDescriptor<>("golden-record", GoldenState.class);

    /**
     * Golden records as they are resolved, and their ends: the golden output (only with one
     * configured).
     */
    public static final OutputTag<GoldenRecord> GOLDEN_RECORDS =
            new OutputTag<>("golden-records") {
                private static final long serialVersionUID = 1L;
            };

    /**
     * What the job's state was built for ({@link JobShape}, as JSON): every subtask keeps a copy in
     * each checkpoint, so that a start from one can check its configuration before it runs.
     */
    static final ListStateDescriptor<String> JOB_SHAPE =
            new ListStateDescriptor<>(SavedShape.STATE_NAME, Types.STRING);

    /** The watermark once every source has ended. */
    private static final long END_OF_INPUT = Long.MAX_VALUE;

    /** Every decision, for the write audit (only with an audit table configured). */
    public static final OutputTag<AuditEntry> AUDIT =
            new OutputTag<>("audit") {
                private static final long serialVersionUID = 1L;
            };

    private final SyncConfig config;
    private final String shape;
    private final boolean publishing;
    private final boolean auditing;
    private final long delayMillis;
    private final long maxWaitMillis;
    private final long insertTimeoutMillis;
    private final long loopWindowMillis;

    private transient ValueState<GoldenState> state;
    private transient ListState<String> jobShape;

    // The current key's state while a callback runs: loaded from and stored to GOLDEN_STATE.
    /** The linked source records by {@code system/localId}. */
    private transient Map<String, Link> links;

    /** Pending inserts and left-markers by system name. */
    private transient Map<String, TargetState> targets;

    /** When the golden record is due for emission. */
    private transient Cell<GoldenStatus> status;

    /** The job's writes since the last outside change, and whether they froze the record. */
    private transient Cell<LoopGuard> loopGuard;

    /**
     * When a golden record without links, kept for its left-markers, is cleared (event time): the
     * job's own insert of it may still be on its way back through CDC.
     */
    private transient Cell<Long> keptUntil;

    /** The fingerprint of what was last published of the golden record (golden output only). */
    private transient Cell<Long> published;

    private transient Survivorship survivorship;
    private transient ValueComparison comparison;
    private transient Map<String, boolean[]> masks;

    private transient Counter goldenEmitted;
    private transient Counter echoes;
    private transient Counter late;
    private transient Counter frozen;
    private transient long waiting;

    /** Whether this instance started from a checkpoint or savepoint. */
    private transient boolean restored;

    /** Until when (event time) decisions wait for the replay; set at the first callback. */
    private transient long replayUntil;

    public GoldenRecordFunction(SyncConfig config) {
        this(config, config.goldenOutput() != null, JobShape.of(config));
    }

    /**
     * @param publishing whether golden records go to {@link #GOLDEN_RECORDS}
     * @param shape what the state is built for, kept in every checkpoint
     */
    public GoldenRecordFunction(SyncConfig config, boolean publishing, JobShape shape) {
        this.config = config;
        this.shape = shape.toJson();
        this.publishing = publishing;
        this.auditing = config.audit() != null;
        this.delayMillis = config.completeness().delay().toMillis();
        this.maxWaitMillis = config.completeness().maxWait().toMillis();
        this.insertTimeoutMillis = config.writer().insertTimeout().toMillis();
        this.loopWindowMillis = config.loopBreaker().window().toMillis();
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        restored = context.isRestored();
        replayUntil = Long.MIN_VALUE;
        jobShape = context.getOperatorStateStore().getListState(JOB_SHAPE);
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        // The golden records are keyed state; the replay horizon is per restore.
        jobShape.update(List.of(shape));
    }

    /** The moment of the restore (processing time at the first callback after it), or MIN. */
    private long replayUntil(TimerService timers) {
        if (restored && replayUntil == Long.MIN_VALUE) {
            replayUntil = timers.currentProcessingTime();
        }
        return replayUntil;
    }

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(GOLDEN_STATE);
        links = new TreeMap<>();
        targets = new TreeMap<>();
        status = new Cell<>();
        loopGuard = new Cell<>();
        keptUntil = new Cell<>();
        published = new Cell<>();
        survivorship = config.survivorship();
        comparison = config.comparison();
        masks = new HashMap<>();
        for (SystemConfig system : config.systems().values()) {
            masks.put(system.name(), system.mapping(config.attributes()).mask());
        }
        var metrics = SyncMetrics.of(getRuntimeContext().getMetricGroup());
        goldenEmitted = metrics.counter(SyncMetrics.GOLDEN_EMITTED);
        echoes = metrics.counter(SyncMetrics.ECHOES_SUPPRESSED);
        late = metrics.counter(SyncMetrics.LATE_RECORDS);
        frozen = metrics.counter(SyncMetrics.GOLDEN_FROZEN);
        metrics.gauge(
                SyncMetrics.WAITING_FOR_COMPLETENESS, (Gauge<Long>) () -> Math.max(0, waiting));
    }

    @Override
    public void processElement(LinkChange change, Context ctx, Collector<WriteIntent> out)
            throws Exception {
        load();
        process(change, ctx, out);
        store();
    }

    private void process(LinkChange change, Context ctx, Collector<WriteIntent> out)
            throws Exception {
        replayUntil(ctx.timerService());
        if (change.kind() == LinkChange.Kind.INSERT_HELD
                || change.kind() == LinkChange.Kind.INSERT_REJECTED) {
            insertOutcome(change, ctx);
            return;
        }
        String linkId = change.linkId();
        switch (change.kind()) {
            case UPSERT -> {
                if (upsert(change, linkId, ctx)) {
                    loopGuard.clear();
                }
            }
            case INSERT_HELD, INSERT_REJECTED -> throw new IllegalStateException();
            case DELETED, MOVED_OUT -> {
                loopGuard.clear();
                links.remove(linkId);
                audit(
                        ctx,
                        change.eventTime(),
                        change.system(),
                        change.localId(),
                        Action.LEFT,
                        null,
                        change.kind() == LinkChange.Kind.DELETED
                                ? "row deleted"
                                : "its match key changed",
                        null);
                putTarget(change.system(), targetOf(change.system()).asLeft());
                if (change.kind() == LinkChange.Kind.DELETED
                        && config.system(change.system()).deletes() == DeletePolicy.PROPAGATE) {
                    GoldenStatus s = statusOrIdle();
                    status.update(s.withDeleteRequested(true));
                }
                if (links.isEmpty()) {
                    unpublish(ctx.getCurrentKey(), change.eventTime(), ctx);
                    audit(
                            ctx,
                            change.eventTime(),
                            null,
                            null,
                            Action.TOMBSTONE,
                            null,
                            "no row has this match key any more",
                            null);
                }
            }
        }
        if (clearIfEnded(
                ctx.timerService(),
                Math.max(change.eventTime(), ctx.timerService().currentWatermark()))) {
            return;
        }
        markDirty(change.eventTime(), ctx.timerService());
    }

    /**
     * What became of the pending insert into a system, as its writer or the mass-change breaker
     * recorded it in that system's writes table: held (it waits, without timing out, until the
     * breaker lets it go) or rejected by the database (the same values are not sent again; the
     * writer has dead-lettered it). A notice about an insert no longer pending changes nothing.
     */
    private void insertOutcome(LinkChange notice, Context ctx) throws Exception {
        TargetState t = targetOf(notice.system());
        if (!t.insertPending()) {
            return;
        }
        if (!t.held()) {
            ctx.timerService().deleteEventTimeTimer(insertDeadline(t));
        }
        boolean held = notice.kind() == LinkChange.Kind.INSERT_HELD;
        putTarget(notice.system(), held ? t.asHeld() : t.asRefused());
        audit(
                ctx,
                notice.eventTime(),
                notice.system(),
                null,
                Action.INSERT_OUTCOME,
                null,
                held
                        ? "the insert is held by the mass-change breaker"
                        : "the database rejected the insert (dead letter); its values are not"
                                + " sent again",
                null);
    }

    /**
     * Applies a new or changed record; returns whether it is an outside change: one someone other
     * than the job made (the identity stage tells the job's own writes by the writes table), also
     * while the job's write to that row is on its way.
     */
    private boolean upsert(LinkChange change, String linkId, Context ctx) throws Exception {
        TimerService timers = ctx.timerService();
        boolean[] mask = masks.get(change.system());
        Link previous = links.get(linkId);
        long[] changedAt = new long[change.values().length];
        boolean outside;
        boolean echo = false;
        if (previous == null) {
            TargetState target = targetOf(change.system());
            echo =
                    target.insertPending()
                            && target.insertedHash() == fingerprint(change.values(), mask);
            outside = !echo && change.outside();
            if (echo) {
                // Our own insert: its values are the golden record's, as old as at their source.
                echoes.inc();
                changedAt = withTimes(changedAt, target.insertedAt(), mask);
            } else {
                // A new row, or one whose match key changed: its values are as old as they are
                // in their own system.
                changedAt = change.changedAt().clone();
            }
            if (target.insertPending() && !target.held()) {
                timers.deleteEventTimeTimer(insertDeadline(target));
            }
            if (!target.isEmpty()) {
                // The system has a row of the golden record: nothing to insert or retry there.
                putTarget(change.system(), target.withoutInsert());
            }
        } else if (previous.writePending()
                && previous.writtenHash() == fingerprint(change.values(), mask)) {
            // Our own write: the row now holds values as old as they are at their source.
            echoes.inc();
            echo = true;
            outside = false;
            changedAt = withTimes(previous.changedAt(), previous.writtenAt(), mask);
        } else if (change.origin() == LinkChange.Origin.RESTATED) {
            // The identity stage could not tell which values changed: it dated them all.
            outside = true;
            changedAt = change.changedAt().clone();
        } else {
            outside = change.outside();
            for (int i = 0; i < changedAt.length; i++) {
                boolean same = comparison.same(i, previous.values()[i], change.values()[i]);
                // A changed value is as old as the identity stage says: the commit time, or for
                // the job's own write (recognised by the writes table, also after a restore that
                // forgot the write was pending) the time at its source.
                changedAt[i] =
                        same
                                ? previous.changedAt()[i]
                                : i < change.changedAt().length
                                        ? change.changedAt()[i]
                                        : change.eventTime();
            }
        }
        links.put(
                linkId,
                new Link(
                        change.system(),
                        change.localId(),
                        change.values(),
                        changedAt,
                        change.version(),
                        0L,
                        new long[0],
                        false));
        if (auditing) {
            audit(
                    ctx,
                    change.eventTime(),
                    change.system(),
                    change.localId(),
                    echo ? Action.ECHO_SUPPRESSED : Action.CONTRIBUTED,
                    change.version(),
                    echo
                            ? "the job's own write came back"
                            : previous == null
                                    ? "a row with this match key"
                                    : outside
                                            ? "changed"
                                            : "the job's write, as the target stored it",
                    echo ? null : describe(change.values(), mask));
        }
        return outside;
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WriteIntent> out)
            throws Exception {
        load();
        fire(timestamp, ctx, out);
        store();
    }

    private void fire(long timestamp, OnTimerContext ctx, Collector<WriteIntent> out)
            throws Exception {
        long replayed = replayUntil(ctx.timerService());
        if (timestamp < replayed) {
            ctx.timerService().registerEventTimeTimer(replayed);
            return;
        }
        boolean evaluate = false;
        GoldenStatus s = status.value();
        if (s != null && s.waiting() && timestamp >= s.due(delayMillis, maxWaitMillis)) {
            evaluate = true;
            waiting--;
            s = s.emitted();
            status.update(s);
        }
        for (Map.Entry<String, TargetState> e : toList(targets.entrySet())) {
            TargetState t = e.getValue();
            if (t.insertPending()
                    && !t.held()
                    && t.pendingInsertAt() != END_OF_INPUT
                    && insertDeadline(t) <= timestamp) {
                if (t.attempts() >= config.writer().insertAttempts()) {
                    giveUp(e.getKey(), t, timestamp, ctx);
                    continue;
                }
                LOG.info(
                        "Insert into {} for key {} not confirmed by CDC within {} ms; retrying if"
                                + " the row is still missing (the insert stays guarded)",
                        e.getKey(),
                        ctx.getCurrentKey(),
                        insertDeadline(t) - t.pendingInsertAt());
                putTarget(e.getKey(), t.retrying());
                evaluate = true;
            }
        }
        LoopGuard guard = loopGuard.value();
        if (guard != null
                && guard.frozenUntil() != TargetState.NONE
                && timestamp >= guard.frozenUntil()) {
            loopGuard.clear();
            evaluate = true;
        }
        if (evaluate) {
            // The watermark can be far beyond the timer (snapshot rows fire at "delay" once the
            // log streams): stamp pending inserts with the watermark, or their timeout would
            // already have passed.
            long now = Math.max(timestamp, ctx.timerService().currentWatermark());
            emit(ctx.getCurrentKey(), now, ctx, out);
        }
        clearIfEnded(ctx.timerService(), timestamp);
    }

    /**
     * Stops sending an insert that was never confirmed, however often it was sent: its values are
     * not sent again (until they change), and a dead letter says so, once.
     */
    private void giveUp(String system, TargetState t, long time, OnTimerContext ctx)
            throws Exception {
        putTarget(system, t.asRefused());
        String reason =
                "insert into "
                        + system
                        + " sent "
                        + t.attempts()
                        + " times and never confirmed by its change (writer.insert-attempts);"
                        + " not sent again until the golden record's values change";
        LOG.warn("Golden record {}: {}", ctx.getCurrentKey(), reason);
        audit(ctx, time, system, null, Action.INSERT_OUTCOME, null, reason, null);
        ctx.output(
                DeadLetters.TAG,
                new DeadLetter(
                        System.currentTimeMillis(),
                        system,
                        ctx.getCurrentKey(),
                        "insert",
                        reason,
                        "attempts: " + t.attempts()));
    }

    /** Resolves the golden record and emits the writes that bring every system in line with it. */
    private void emit(String key, long time, OnTimerContext ctx, Collector<WriteIntent> out)
            throws Exception {
        List<Link> all = toList(links.values());
        if (all.isEmpty()) {
            return;
        }
        goldenEmitted.inc();
        LoopGuard guard = loopGuard.value() == null ? LoopGuard.CLEAR : loopGuard.value();
        if (guard.frozenAt(time)) {
            return;
        }
        GoldenStatus s = statusOrIdle();
        List<WriteIntent> intents;
        if (s.deleteRequested()) {
            intents = deletes(key, all, time);
            status.update(s.withDeleteRequested(false));
            // The entity is gone: whatever survives (a conflicting change) is never re-inserted.
            for (SystemConfig system : config.systems().values()) {
                putTarget(system.name(), targetOf(system.name()).asLeft());
            }
        } else {
            Survivorship.Golden golden = resolve(all);
            publish(key, all, golden, time, ctx);
            intents = writes(key, all, golden, time);
            if (auditing) {
                audit(ctx, time, null, null, Action.RESOLVED, null, null, explain(golden));
            }
        }
        if (intents.isEmpty()) {
            return;
        }
        guard = guard.counting(intents.size(), time, loopWindowMillis, describe(intents));
        if (guard.writes() > config.loopBreaker().maxWrites()) {
            freeze(key, guard, all, time, ctx);
            return;
        }
        loopGuard.update(guard);
        for (WriteIntent intent : intents) {
            apply(intent, ctx.timerService());
            out.collect(intent);
            if (auditing) {
                audit(
                        ctx,
                        time,
                        intent.system(),
                        intent.localId(),
                        Action.DECIDED,
                        intent.expectedVersion(),
                        reason(intent),
                        intent.operation().name().toLowerCase()
                                + " "
                                + describe(intent.values(), masks.get(intent.system())));
            }
        }
    }

    /** Sends the golden record to the golden output, unless that is what it last sent. */
    private void publish(
            String key, List<Link> all, Survivorship.Golden golden, long time, Context ctx)
            throws Exception {
        if (!publishing) {
            return;
        }
        String[] linked =
                all.stream()
                        .map(l -> l.system() + '/' + l.localId())
                        .sorted()
                        .toArray(String[]::new);
        long fingerprint = 31 * ValueHash.of(golden.values()) + ValueHash.of(linked);
        Long last = published.value();
        if (last == null || last != fingerprint) {
            published.update(fingerprint);
            ctx.output(GOLDEN_RECORDS, new GoldenRecord(key, false, golden.values(), linked, time));
        }
    }

    /** Sends the end of a published golden record that has lost its last source row. */
    private void unpublish(String key, long time, Context ctx) throws Exception {
        if (publishing && published.value() != null) {
            published.clear();
            ctx.output(GOLDEN_RECORDS, GoldenRecord.gone(key, time));
        }
    }

    private Survivorship.Golden resolve(List<Link> all) {
        List<Contribution> contributions = new ArrayList<>(all.size());
        for (Link link : all) {
            contributions.add(
                    new Contribution(
                            link.system(), link.localId(), link.values(), link.changedAt()));
        }
        return survivorship.resolveGolden(contributions);
    }

    /** The UPDATEs and INSERTs that bring every system in line with the golden record. */
    private List<WriteIntent> writes(
            String key, List<Link> all, Survivorship.Golden golden, long time) throws Exception {
        List<WriteIntent> intents = new ArrayList<>();
        for (SystemConfig system : config.systems().values()) {
            boolean[] mask = masks.get(system.name());
            String[] desired = project(golden.values(), mask);
            long[] times = golden.changedAt();
            boolean linked = false;
            for (Link link : all) {
                if (!link.system().equals(system.name())) {
                    continue;
                }
                linked = true;
                if (!system.mayWrite(WriteOperation.UPDATE)
                        || comparison.sameAll(link.values(), desired, mask)
                        || (link.writePending()
                                && link.writtenHash() == fingerprint(desired, mask))) {
                    continue;
                }
                intents.add(
                        new WriteIntent(
                                system.name(),
                                WriteIntent.Operation.UPDATE,
                                key,
                                link.localId(),
                                link.version(),
                                link.values(),
                                desired,
                                times,
                                time));
            }
            if (!linked && system.mayWrite(WriteOperation.INSERT)) {
                TargetState target = targetOf(system.name());
                if (!target.left()
                        && !target.insertPending()
                        && !target.refuses(fingerprint(desired, mask))) {
                    intents.add(
                            new WriteIntent(
                                    system.name(),
                                    WriteIntent.Operation.INSERT,
                                    key,
                                    null,
                                    null,
                                    new String[0],
                                    desired,
                                    times,
                                    time));
                }
            }
        }
        return intents;
    }

    /** Conditional DELETEs of the remaining rows, where their systems allow deletes. */
    private List<WriteIntent> deletes(String key, List<Link> remaining, long time) {
        List<WriteIntent> intents = new ArrayList<>();
        for (Link link : remaining) {
            if (config.system(link.system()).mayWrite(WriteOperation.DELETE)) {
                intents.add(
                        new WriteIntent(
                                link.system(),
                                WriteIntent.Operation.DELETE,
                                key,
                                link.localId(),
                                link.version(),
                                link.values(),
                                new String[0],
                                new long[0],
                                time));
            }
        }
        return intents;
    }

    /** Remembers a write: its fingerprint for the echo, or the pending insert and its timeout. */
    private void apply(WriteIntent intent, TimerService timers) throws Exception {
        boolean[] mask = masks.get(intent.system());
        switch (intent.operation()) {
            case UPDATE -> {
                String linkId = intent.system() + '/' + intent.localId();
                links.put(
                        linkId,
                        links.get(linkId)
                                .withWrite(
                                        fingerprint(intent.values(), mask), intent.valueTimes()));
            }
            case INSERT -> {
                TargetState sent =
                        targetOf(intent.system())
                                .withInsert(
                                        intent.eventTime(),
                                        fingerprint(intent.values(), mask),
                                        intent.valueTimes());
                putTarget(intent.system(), sent);
                if (intent.eventTime() != END_OF_INPUT) {
                    timers.registerEventTimeTimer(insertDeadline(sent));
                }
            }
            case DELETE -> {
                // Nothing to remember: the row's delete comes back through CDC.
            }
        }
    }

    /**
     * Stops writing a golden record the job keeps rewriting without any outside change, reports it
     * as a dead letter with its recent writes, and tries again after the freeze (or at the next
     * outside change).
     */
    private void freeze(
            String key, LoopGuard guard, List<Link> links, long time, OnTimerContext ctx)
            throws Exception {
        long until = time + config.loopBreaker().freeze().toMillis();
        loopGuard.update(guard.frozen(until));
        ctx.timerService().registerEventTimeTimer(until);
        frozen.inc();
        String reason =
                "rewritten "
                        + guard.writes()
                        + " times within "
                        + config.loopBreaker().window()
                        + " without an outside change (targets that keep changing what they are"
                        + " given?); frozen for "
                        + config.loopBreaker().freeze();
        LOG.warn("Golden record {} frozen: {}", key, reason);
        audit(ctx, time, null, null, Action.FROZEN, null, reason, null);
        ctx.output(
                DeadLetters.TAG,
                new DeadLetter(
                        System.currentTimeMillis(),
                        String.join(
                                ",", links.stream().map(Link::system).distinct().sorted().toList()),
                        key,
                        "loop",
                        reason,
                        String.join(" | ", guard.history())));
    }

    /** Sends an audit entry for the current golden record, when auditing. */
    private void audit(
            Context ctx,
            long time,
            String system,
            String row,
            String action,
            Long version,
            String reason,
            String detail) {
        if (auditing) {
            ctx.output(
                    AUDIT,
                    new AuditEntry(
                            time,
                            ctx.getCurrentKey(),
                            system,
                            row,
                            action,
                            version == null ? null : String.valueOf(version),
                            null,
                            reason,
                            detail));
        }
    }

    /** Per attribute: the golden value, the rule that chose it and the row it comes from. */
    private String explain(Survivorship.Golden golden) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < golden.values().length; i++) {
            if (i > 0) {
                out.append("; ");
            }
            out.append(config.attributes().name(i)).append(" = ");
            if (golden.sources()[i] == null) {
                out.append("(none: no system has a value)");
            } else {
                out.append('\'')
                        .append(golden.values()[i])
                        .append("' from ")
                        .append(golden.sources()[i])
                        .append(" by ")
                        .append(survivorship.rule(i).configName());
            }
        }
        return out.toString();
    }

    /** Why a write was decided. */
    private String reason(WriteIntent intent) {
        return switch (intent.operation()) {
            case INSERT -> "no row in " + intent.system() + " has this match key";
            case DELETE -> "the golden record was deleted at its source";
            case UPDATE -> {
                List<String> differing = new ArrayList<>();
                for (int i = 0; i < intent.values().length; i++) {
                    if (masks.get(intent.system())[i]
                            && !comparison.same(
                                    i, intent.expectedValues()[i], intent.values()[i])) {
                        differing.add(config.attributes().name(i));
                    }
                }
                yield "the row differs from the golden record in " + String.join(", ", differing);
            }
        };
    }

    /** The mapped values as {@code name='value'} pairs. */
    private String describe(String[] values, boolean[] mask) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < values.length && i < mask.length; i++) {
            if (mask[i]) {
                parts.add(
                        config.attributes().name(i)
                                + "="
                                + (values[i] == null ? "null" : "'" + values[i] + "'"));
            }
        }
        return String.join(", ", parts);
    }

    private String[] describe(List<WriteIntent> intents) {
        String[] entries = new String[intents.size()];
        for (int i = 0; i < entries.length; i++) {
            WriteIntent intent = intents.get(i);
            entries[i] =
                    intent.eventTime()
                            + " "
                            + intent.operation()
                            + " "
                            + intent.system()
                            + (intent.localId() == null ? "" : "/" + intent.localId())
                            + " "
                            + Arrays.toString(intent.values());
        }
        return entries;
    }

    private void markDirty(long eventTime, TimerService timers) throws Exception {
        if (eventTime < timers.currentWatermark()) {
            late.inc();
        }
        GoldenStatus s = statusOrIdle();
        GoldenStatus next = s.withChange(eventTime);
        long due = next.due(delayMillis, maxWaitMillis);
        if (!s.waiting()) {
            waiting++;
        } else {
            long previous = s.due(delayMillis, maxWaitMillis);
            if (previous != due && !isSharedTimer(previous)) {
                timers.deleteEventTimeTimer(previous);
            }
        }
        timers.registerEventTimeTimer(due);
        status.update(next);
    }

    /**
     * Whether a timer at {@code timestamp} also serves an insert timeout or the end of a freeze.
     */
    private boolean isSharedTimer(long timestamp) throws Exception {
        for (TargetState t : targets.values()) {
            if (t.insertPending() && !t.held() && insertDeadline(t) == timestamp) {
                return true;
            }
        }
        LoopGuard guard = loopGuard.value();
        return guard != null && guard.frozenUntil() == timestamp;
    }

    /** Clears all state of a golden record without links and without pending inserts. */
    private boolean clearIfEnded(TimerService timers, long now) throws Exception {
        Long kept = keptUntil.value();
        if (!links.isEmpty()) {
            if (kept != null) {
                timers.deleteEventTimeTimer(kept);
                keptUntil.clear();
            }
            return false;
        }
        boolean left = false;
        for (TargetState t : targets.values()) {
            if (t.insertPending()) {
                return false;
            }
            left |= t.left();
        }
        // The last record left, but a row the job inserted elsewhere may still come back through
        // CDC (after a restore the job may not know it inserted it). Keep the left-markers until
        // the insert timeout, or that row would look like a new entity and be copied back into
        // the system that deleted it.
        if (left && (kept == null || now < kept)) {
            if (kept == null) {
                keptUntil.update(now + insertTimeoutMillis);
                timers.registerEventTimeTimer(now + insertTimeoutMillis);
            }
            return false;
        }
        GoldenStatus s = status.value();
        if (s != null && s.waiting()) {
            timers.deleteEventTimeTimer(s.due(delayMillis, maxWaitMillis));
            waiting--;
        }
        links.clear();
        targets.clear();
        status.clear();
        loopGuard.clear();
        keptUntil.clear();
        published.clear();
        return true;
    }

    /**
     * When a pending insert is tried again (or given up): the insert timeout after it was sent,
     * doubling with every attempt. Never for one decided at the end of input (bounded sources, as
     * in the plan): nothing can come back, and a retry would be decided at once, again and again.
     */
    private long insertDeadline(TargetState t) {
        if (t.pendingInsertAt() == END_OF_INPUT) {
            return Long.MAX_VALUE;
        }
        long wait = insertTimeoutMillis << Math.min(Math.max(t.attempts() - 1, 0), 16);
        return t.pendingInsertAt() + wait;
    }

    /**
     * What recognises the job's own write when it comes back: the values the target's mapping
     * covers, compared as the comparison rules compare them. Only asked where a write is pending.
     */
    private long fingerprint(String[] values, boolean[] mask) {
        return ValueHash.of(comparison.canonical(values, mask));
    }

    /** {@code base} with the attributes selected by {@code mask} taken from {@code times}. */
    private static long[] withTimes(long[] base, long[] times, boolean[] mask) {
        long[] out = base.clone();
        for (int i = 0; i < out.length && i < times.length; i++) {
            if (mask[i]) {
                out[i] = times[i];
            }
        }
        return out;
    }

    private static String[] project(String[] golden, boolean[] mask) {
        String[] out = new String[golden.length];
        for (int i = 0; i < golden.length; i++) {
            out[i] = mask[i] ? golden[i] : null;
        }
        return out;
    }

    /** Loads the current key's state into the working copy. */
    private void load() throws Exception {
        links.clear();
        targets.clear();
        GoldenState s = state.value();
        if (s != null) {
            s = s.widened(config.attributes().size());
        }
        if (s == null) {
            status.clear();
            loopGuard.clear();
            keptUntil.clear();
            published.clear();
            return;
        }
        for (Link link : s.links()) {
            links.put(link.system() + '/' + link.localId(), link);
        }
        for (int i = 0; i < s.targets().length; i++) {
            targets.put(s.targetSystems()[i], s.targets()[i]);
        }
        status.update(s.status());
        loopGuard.update(s.loopGuard());
        keptUntil.update(s.keptUntil());
        published.update(s.published());
    }

    /** Stores the working copy as the current key's state; clears it when nothing is left. */
    private void store() throws Exception {
        if (links.isEmpty()
                && targets.isEmpty()
                && status.value() == null
                && loopGuard.value() == null
                && keptUntil.value() == null
                && published.value() == null) {
            state.clear();
            return;
        }
        state.update(
                new GoldenState(
                        links.values().toArray(new Link[0]),
                        targets.keySet().toArray(new String[0]),
                        targets.values().toArray(new TargetState[0]),
                        status.value(),
                        keptUntil.value(),
                        loopGuard.value(),
                        published.value()));
    }

    /** One value of the working copy ({@code null} for none). */
    private static final class Cell<T> {
        private T value;

        T value() {
            return value;
        }

        void update(T value) {
            this.value = value;
        }

        void clear() {
            value = null;
        }
    }

    private TargetState targetOf(String system) throws Exception {
        TargetState t = targets.get(system);
        return t == null ? TargetState.EMPTY : t;
    }

    private void putTarget(String system, TargetState t) throws Exception {
        if (t.isEmpty()) {
            targets.remove(system);
        } else {
            targets.put(system, t);
        }
    }

    private GoldenStatus statusOrIdle() throws Exception {
        GoldenStatus s = status.value();
        return s == null ? GoldenStatus.IDLE : s;
    }

    private static <T> List<T> toList(Iterable<T> items) {
        List<T> out = new ArrayList<>();
        if (items != null) {
            items.forEach(out::add);
        }
        return out;
    }
}
