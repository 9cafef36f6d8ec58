package io.bidisync.job.golden;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.upgrade.JobShape;
import io.bidisync.job.upgrade.SavedShape;

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

import java.util.List;
import java.util.SortedSet;

/**
 * The golden stage, keyed by normalised match key: it keeps each golden record's state and timers
 * and hands every change and timer to the record's decisions ({@link GoldenEntity}), whose writes
 * it emits and whose audit entries, golden records and dead letters go to side outputs.
 *
 * <p>After a restore (crash, cancel and resubmit, upgrade) the sources replay everything since the
 * checkpoint, the job's own writes made after it included. Nothing is decided until the watermark
 * has reached the moment of the restore: a decision taken earlier would be the one taken before the
 * crash, taken again on knowledge that is missing what happened since — it could re-insert a row a
 * user deleted right after the job's first insert, or rewrite a value someone has changed since.
 *
 * <p>End of life: a record's state and timers end with it ({@link GoldenEntity}); links have no
 * time-to-live on purpose: forgetting a live link would make the job insert a duplicate.
 */
public class GoldenRecordFunction extends KeyedProcessFunction<String, LinkChange, WriteIntent>
        implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Everything kept for a golden record: links, targets, status, loop guard … */
    static final ValueStateDescriptor<GoldenState> GOLDEN_STATE =
            new ValueStateDescriptor<>("golden-record", GoldenState.class);

    /**
     * What the job's state was built for ({@link JobShape}, as JSON): every subtask keeps a copy in
     * each checkpoint, so that a start from one can check its configuration before it runs.
     */
    static final ListStateDescriptor<String> JOB_SHAPE =
            new ListStateDescriptor<>(SavedShape.STATE_NAME, Types.STRING);

    /**
     * Golden records as they are resolved, and their ends: the golden output (only with one
     * configured).
     */
    public static final OutputTag<GoldenRecord> GOLDEN_RECORDS =
            new OutputTag<>("golden-records") {
                private static final long serialVersionUID = 1L;
            };

    /** Every decision, for the write audit (only with an audit configured). */
    public static final OutputTag<AuditEntry> AUDIT =
            new OutputTag<>("audit") {
                private static final long serialVersionUID = 1L;
            };

    private final SyncConfig config;
    private final String shape;
    private final boolean publishing;

    private transient ValueState<GoldenState> state;
    private transient ListState<String> jobShape;
    private transient GoldenEntity entity;
    private transient Emitter emitter;

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

    @Override
    public void open(OpenContext openContext) {
        state = getRuntimeContext().getState(GOLDEN_STATE);
        entity = new GoldenEntity(new GoldenRules(config, publishing));
        emitter = new Emitter();
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
        TimerService timers = ctx.timerService();
        replayUntil(timers);
        entity.load(ctx.getCurrentKey(), state.value());
        SortedSet<Long> before = entity.timers();
        boolean wasWaiting = entity.waiting();
        entity.apply(change, timers.currentWatermark(), emitter.on(ctx, out));
        store(timers, before, wasWaiting);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WriteIntent> out)
            throws Exception {
        TimerService timers = ctx.timerService();
        long replayed = replayUntil(timers);
        if (timestamp < replayed) {
            timers.registerEventTimeTimer(replayed);
            return;
        }
        entity.load(ctx.getCurrentKey(), state.value());
        SortedSet<Long> before = entity.timers();
        // Flink has used this timer up: if the record still needs it, it is registered anew.
        before.remove(timestamp);
        boolean wasWaiting = entity.waiting();
        entity.fire(timestamp, timers.currentWatermark(), emitter.on(ctx, out));
        store(timers, before, wasWaiting);
    }

    /** Stores the record and brings its timers in line with what it needs now. */
    private void store(TimerService timers, SortedSet<Long> before, boolean wasWaiting)
            throws Exception {
        SortedSet<Long> after = entity.timers();
        for (long t : before) {
            if (!after.contains(t)) {
                timers.deleteEventTimeTimer(t);
            }
        }
        for (long t : after) {
            if (!before.contains(t)) {
                timers.registerEventTimeTimer(t);
            }
        }
        waiting += (entity.waiting() ? 1 : 0) - (wasWaiting ? 1 : 0);
        GoldenState next = entity.state();
        if (next == null) {
            state.clear();
        } else {
            state.update(next);
        }
    }

    /** The moment of the restore (processing time at the first callback after it), or MIN. */
    private long replayUntil(TimerService timers) {
        if (restored && replayUntil == Long.MIN_VALUE) {
            replayUntil = timers.currentProcessingTime();
        }
        return replayUntil;
    }

    /** Where the record's decisions go: the writes, the side outputs and the counters. */
    private final class Emitter implements GoldenOutputs {
        private Context ctx;
        private Collector<WriteIntent> out;

        Emitter on(Context ctx, Collector<WriteIntent> out) {
            this.ctx = ctx;
            this.out = out;
            return this;
        }

        @Override
        public void write(WriteIntent intent) {
            out.collect(intent);
        }

        @Override
        public void audit(
                long time,
                String system,
                String row,
                String action,
                Long version,
                String reason,
                String detail) {
            ctx.output(
                    AUDIT,
                    new AuditEntry(
                            time,
                            // An entity type's golden ids may equal another's: told apart here.
                            config.scoped(ctx.getCurrentKey()),
                            system,
                            row,
                            action,
                            version == null ? null : String.valueOf(version),
                            null,
                            reason,
                            detail));
        }

        @Override
        public void golden(GoldenRecord record) {
            ctx.output(GOLDEN_RECORDS, record);
        }

        @Override
        public void deadLetter(String systems, String operation, String reason, String payload) {
            ctx.output(
                    DeadLetters.TAG,
                    new DeadLetter(
                            System.currentTimeMillis(),
                            systems,
                            ctx.getCurrentKey(),
                            config.scoped(operation),
                            reason,
                            payload));
        }

        @Override
        public void echo() {
            echoes.inc();
        }

        @Override
        public void late() {
            late.inc();
        }

        @Override
        public void frozen() {
            frozen.inc();
        }

        @Override
        public void emitted() {
            goldenEmitted.inc();
        }
    }
}
