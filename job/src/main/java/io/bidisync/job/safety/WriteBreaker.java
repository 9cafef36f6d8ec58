package io.bidisync.job.safety;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.metrics.SyncMetrics;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The mass-change circuit breaker, keyed by target system: it passes a system's writes until more
 * than {@code safety.max-writes-per-system} would go out within {@code safety.window} (processing
 * time) — a wrong rule, a mangled source, a botched migration. From then on it holds that system's
 * writes in state, in order, and reports them ({@link BreakerControl}); reading and deciding go on,
 * and other systems are written as before.
 *
 * <p>It releases the held writes, in order, when an operator confirms ({@code bidisync confirm}:
 * then the system's writes pass unchecked for one window, the rest of the change that tripped it)
 * or when the limit, raised in the configuration and the job restarted from a savepoint, has room
 * for them. Releasing is safe however long they were held: every write is conditional on the row
 * the job last saw, so a held write overtaken by a newer change becomes a conflict, not a lost
 * update.
 *
 * <p>End of life: the held writes and the breaker's marks are cleared on release. The window of
 * recent writes is one small value per system (at most 60 buckets), pruned at every write.
 */
public class WriteBreaker extends KeyedProcessFunction<String, WriteIntent, WriteIntent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(WriteBreaker.class);

    /** How often a tripped breaker looks for a confirmation or a raised limit. */
    static final long POLL_MILLIS = 2_000;

    /** Writes passed recently: the buckets of a {@link WriteWindow}. */
    static final ValueStateDescriptor<long[]> RECENT_WRITES =
            new ValueStateDescriptor<>("recent-writes", long[].class);

    /**
     * The writes held back, one per target row (its primary key, or {@code +} and the golden key of
     * an insert): a newer decision for a row replaces the one held.
     */
    static final MapStateDescriptor<String, HeldWrite> HELD_WRITES =
            new MapStateDescriptor<>("held-writes-by-row", String.class, HeldWrite.class);

    /** How many rows have a held write, and the order the next one gets. */
    static final ValueStateDescriptor<long[]> HELD_COUNT =
            new ValueStateDescriptor<>("held-rows", long[].class);

    /** Until when (processing time) writes pass unchecked, after an operator's confirmation. */
    static final ValueStateDescriptor<Long> CONFIRMED_UNTIL =
            new ValueStateDescriptor<>("confirmed-until", Long.class);

    private final SyncConfig config;
    private final long windowMillis;
    private final BreakerControl.Factory controls;

    private transient ValueState<long[]> recent;
    private transient MapState<String, HeldWrite> held;
    private transient ValueState<long[]> heldCount;
    private transient ValueState<Long> confirmedUntil;
    private transient BreakerControl control;

    /** Per system: the rows its table held, and when they were counted. */
    private transient Map<String, long[]> rows;

    /** Per system: held writes not reported yet (the report is written at the next poll). */
    private transient Map<String, List<WriteIntent>> unreported;

    /** Per system: how many writes are held (for the gauge). */
    private transient Map<String, Long> holding;

    /** The breaker reporting to each system's database. */
    public WriteBreaker(SyncConfig config) {
        this(config, JdbcBreakerControl.factory(config));
    }

    WriteBreaker(SyncConfig config, BreakerControl.Factory controls) {
        this.config = config;
        this.windowMillis = config.safety().window().toMillis();
        this.controls = controls;
    }

    @Override
    public void open(OpenContext openContext) {
        recent = getRuntimeContext().getState(RECENT_WRITES);
        held = getRuntimeContext().getMapState(HELD_WRITES);
        heldCount = getRuntimeContext().getState(HELD_COUNT);
        confirmedUntil = getRuntimeContext().getState(CONFIRMED_UNTIL);
        control = controls.create(getRuntimeContext().getTaskInfo().getIndexOfThisSubtask());
        rows = new HashMap<>();
        unreported = new HashMap<>();
        holding = new HashMap<>();
        for (SystemConfig system : config.systems().values()) {
            if (!system.write().isEmpty()) {
                SyncMetrics.forSystem(getRuntimeContext().getMetricGroup(), system.name())
                        .gauge(
                                SyncMetrics.WRITES_HELD,
                                (Gauge<Long>) () -> holding.getOrDefault(system.name(), 0L));
            }
        }
    }

    @Override
    public void processElement(WriteIntent intent, Context ctx, Collector<WriteIntent> out)
            throws Exception {
        long now = ctx.timerService().currentProcessingTime();
        Long confirmed = confirmedUntil.value();
        if (confirmed != null) {
            if (now < confirmed) {
                out.collect(intent);
                return;
            }
            confirmedUntil.clear();
        }
        if (heldCount.value() != null) {
            hold(intent);
            return;
        }
        SystemConfig system = config.system(intent.system());
        long limit = limit(system, now);
        WriteWindow window = WriteWindow.at(windowMillis, recent.value(), now);
        if (window.count() + 1 > limit) {
            trip(system, limit, window.count(), ctx);
            hold(intent);
            return;
        }
        recent.update(window.plus(now, 1).buckets());
        out.collect(intent);
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WriteIntent> out)
            throws Exception {
        long[] heldRows = heldCount.value();
        if (heldRows == null) {
            return;
        }
        long count = heldRows[0];
        SystemConfig system = config.system(ctx.getCurrentKey());
        holding.put(system.name(), count);
        WriteWindow window = WriteWindow.at(windowMillis, recent.value(), timestamp);
        long limit = limit(system, timestamp);
        boolean confirmed = false;
        try {
            report(system, count);
            confirmed = control.confirmed(system);
        } catch (SQLException e) {
            LOG.warn(
                    "system {}: cannot read or report the mass-change breaker ({}); trying again",
                    system.name(),
                    e.getMessage());
            control.reset(system);
        }
        if (confirmed) {
            LOG.warn(
                    "system {}: {} held writes confirmed by an operator; writing resumes",
                    system.name(),
                    count);
            confirmedUntil.update(timestamp + windowMillis);
            release(system, out);
        } else if (window.count() + count <= limit) {
            LOG.warn(
                    "system {}: the limit of {} writes in {} has room for the {} held writes;"
                            + " writing resumes",
                    system.name(),
                    limit,
                    config.safety().window(),
                    count);
            recent.update(window.plus(timestamp, count).buckets());
            release(system, out);
        } else {
            ctx.timerService().registerProcessingTimeTimer(timestamp + POLL_MILLIS);
        }
    }

    @Override
    public void close() {
        if (control != null) {
            control.close();
        }
    }

    private void trip(SystemConfig system, long limit, long passed, Context ctx) {
        LOG.error(
                "system {}: mass-change breaker tripped: {} writes within {} and more coming, the"
                        + " limit is {} (safety.max-writes-per-system: {}). Writing to {} is"
                        + " stopped; reading goes on. See the held writes with 'bidisync pending',"
                        + " release them with 'bidisync confirm --system {}' or raise the limit.",
                system.name(),
                passed,
                config.safety().window(),
                limit,
                config.safety().describe(),
                system.name(),
                system.name());
        try {
            control.tripped(system, limit);
        } catch (SQLException e) {
            // The job's log says it; the report follows at the next poll that reaches the
            // database.
            LOG.warn("system {}: cannot record the breaker ({})", system.name(), e.getMessage());
            control.reset(system);
        }
        ctx.timerService()
                .registerProcessingTimeTimer(
                        ctx.timerService().currentProcessingTime() + POLL_MILLIS);
    }

    private void hold(WriteIntent intent) throws Exception {
        long[] heldRows = heldCount.value();
        heldRows = heldRows == null ? new long[] {0, 0} : heldRows.clone();
        HeldWrite before = held.get(intent.targetRow());
        if (before == null) {
            held.put(intent.targetRow(), new HeldWrite(heldRows[1], intent));
            heldRows[0]++;
            heldRows[1]++;
            heldCount.update(heldRows);
        } else {
            held.put(intent.targetRow(), new HeldWrite(before.order(), intent));
        }
        holding.put(intent.system(), heldRows[0]);
        unreported.computeIfAbsent(intent.system(), s -> new ArrayList<>()).add(intent);
    }

    /** The held writes in the order their rows were first held, widened to today's attributes. */
    private List<WriteIntent> heldInOrder() throws Exception {
        List<HeldWrite> writes = new ArrayList<>();
        held.values().forEach(writes::add);
        writes.sort(Comparator.comparingLong(HeldWrite::order));
        List<WriteIntent> out = new ArrayList<>(writes.size());
        for (HeldWrite w : writes) {
            out.add(w.write().widened(config.attributes().size()));
        }
        return out;
    }

    /** Reports the writes held since the last report; after a restore, all of them anew. */
    private void report(SystemConfig system, long count) throws Exception {
        List<WriteIntent> fresh = unreported.get(system.name());
        if (fresh == null) {
            // Nothing reported by this instance yet: the report may lack what was held before a
            // restore.
            control.released(system);
            control.tripped(system, limit(system, System.currentTimeMillis()));
            fresh = heldInOrder();
        }
        // A row held twice since the last report is reported once, with its newest write.
        Map<String, WriteIntent> newest = new LinkedHashMap<>();
        for (WriteIntent w : fresh) {
            newest.remove(w.targetRow());
            newest.put(w.targetRow(), w);
        }
        control.held(system, new ArrayList<>(newest.values()), count);
        unreported.put(system.name(), new ArrayList<>());
    }

    private void release(SystemConfig system, Collector<WriteIntent> out) throws Exception {
        for (WriteIntent intent : heldInOrder()) {
            out.collect(intent);
        }
        held.clear();
        heldCount.clear();
        holding.put(system.name(), 0L);
        unreported.remove(system.name());
        try {
            control.released(system);
        } catch (SQLException e) {
            LOG.warn(
                    "system {}: held writes released, but the report still lists them ({})",
                    system.name(),
                    e.getMessage());
            control.reset(system);
        }
    }

    /**
     * The system's limit, from its row count (counted again once per window; while its database
     * cannot be asked, the last count, or none: the writer waits for that database anyway).
     */
    private long limit(SystemConfig system, long now) {
        if (config.safety().writes() != null) {
            return config.safety().writes();
        }
        long[] counted = rows.get(system.name());
        if (counted == null || now - counted[1] > windowMillis) {
            try {
                counted = new long[] {control.rows(system), now};
                rows.put(system.name(), counted);
            } catch (SQLException e) {
                LOG.warn(
                        "system {}: cannot count its rows for the mass-change limit ({})",
                        system.name(),
                        e.getMessage());
                control.reset(system);
                if (counted == null) {
                    return Long.MAX_VALUE;
                }
            }
        }
        return config.safety().limit(counted[0]);
    }
}
