package io.bidisync.job.reference;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.job.metrics.SyncMetrics;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Translates one reference attribute of the writes to each target's own ids, keyed by the
 * referenced golden record: it follows which rows of each system are linked to that golden record
 * (from the referenced entity type's identity stage), and writes the target's primary key of one of
 * them in place of the golden record.
 *
 * <p>A write whose referenced golden record is not linked in its target yet waits — parents before
 * children: the parent's insert by the job links it once its echo arrives. After the reference's
 * wait the write is a dead letter ({@code unresolved reference}) and keeps waiting, or, where the
 * configuration says so, is written with NULL there. Never a wrong id. Only the newest write of a
 * target row waits: it carries all of the row's values (and its condition keeps an older one safe
 * anyway).
 *
 * <p>Writes without a value there pass as they are (keyed by their own golden record, to spread
 * them). Where a system holds the golden record twice (internal duplicates), the smallest key is
 * written, so every write points at the same row.
 *
 * <p>End of life: a link is removed when its row leaves the golden record; a waiting write is
 * removed when it passes, when a newer write of its row replaces it, or when it is written as NULL.
 * A write whose parent never gets a row in its target waits as long as that lasts — one per row.
 */
public class ReferenceTranslator
        extends KeyedCoProcessFunction<String, WriteIntent, LinkChange, WriteIntent> {
    private static final long serialVersionUID = 1L;

    /** The rows linked to the golden record: {@code system/localId}. */
    static final MapStateDescriptor<String, Boolean> LINKED_ROWS =
            new MapStateDescriptor<>("linked-rows", Types.STRING, Types.BOOLEAN);

    /**
     * Writes waiting for the golden record to be linked in their target, by target row ({@code
     * system/row}).
     */
    static final MapStateDescriptor<String, WriteIntent> WAITING =
            new MapStateDescriptor<>(
                    "waiting-writes", Types.STRING, TypeInformation.of(WriteIntent.class));

    /** Marks the key of a write that has no reference to translate. */
    private static final String UNREFERENCED = "\u0000";

    private final SyncConfig config;
    private final int attribute;
    private final long waitMillis;
    private final boolean writeNull;

    private transient MapState<String, Boolean> linked;
    private transient MapState<String, WriteIntent> waiting;
    private transient Counter unresolved;

    /**
     * @param config the referring entity type
     * @param attribute the reference attribute's index
     */
    public ReferenceTranslator(SyncConfig config, int attribute) {
        this.config = config;
        this.attribute = attribute;
        SyncConfig.Reference reference =
                config.references().get(config.attributes().name(attribute));
        this.waitMillis = reference.maxWait().toMillis();
        this.writeNull = reference.writeNull();
    }

    /** The key of a write: the golden record it references, else its own. */
    public static KeySelector<WriteIntent, String> keyOf(int attribute) {
        return intent -> {
            String golden = referenced(intent, attribute);
            return golden == null ? UNREFERENCED + intent.goldenKey() : golden;
        };
    }

    @Override
    public void open(Configuration parameters) {
        linked = getRuntimeContext().getMapState(LINKED_ROWS);
        waiting = getRuntimeContext().getMapState(WAITING);
        unresolved =
                SyncMetrics.of(getRuntimeContext().getMetricGroup())
                        .counter(SyncMetrics.UNRESOLVED_REFERENCES);
    }

    @Override
    public void processElement1(WriteIntent intent, Context ctx, Collector<WriteIntent> out)
            throws Exception {
        if (referenced(intent, attribute) == null) {
            out.collect(intent);
            return;
        }
        String localId = linkedIn(intent.system());
        if (localId != null) {
            out.collect(translated(intent, localId));
            return;
        }
        waiting.put(intent.system() + '/' + intent.targetRow(), intent);
        ctx.timerService().registerEventTimeTimer(deadline(intent));
    }

    @Override
    public void processElement2(LinkChange link, Context ctx, Collector<WriteIntent> out)
            throws Exception {
        String row = link.system() + '/' + link.localId();
        switch (link.kind()) {
            case UPSERT -> linked.put(row, true);
            case DELETED, MOVED_OUT -> linked.remove(row);
            default -> {
                return;
            }
        }
        List<String> released = new ArrayList<>();
        for (var e : waiting.entries()) {
            String localId = linkedIn(e.getValue().system());
            if (localId != null) {
                out.collect(translated(e.getValue(), localId));
                released.add(e.getKey());
            }
        }
        for (String target : released) {
            waiting.remove(target);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WriteIntent> out)
            throws Exception {
        List<String> nulled = new ArrayList<>();
        for (var e : waiting.entries()) {
            WriteIntent intent = e.getValue();
            // Each write is reported once, by the timer of its own deadline.
            if (deadline(intent) != timestamp) {
                continue;
            }
            unresolved.inc();
            ctx.output(DeadLetters.TAG, unresolved(intent, ctx.getCurrentKey()));
            if (writeNull) {
                out.collect(translated(intent, null));
                nulled.add(e.getKey());
            }
        }
        for (String row : nulled) {
            waiting.remove(row);
        }
    }

    private DeadLetter unresolved(WriteIntent intent, String golden) {
        String name = config.attributes().name(attribute);
        return new DeadLetter(
                System.currentTimeMillis(),
                intent.system(),
                intent.targetRow(),
                config.scoped("write"),
                "unresolved reference: "
                        + config.entity()
                        + "."
                        + name
                        + " → "
                        + config.references().get(name).entity()
                        + " golden record "
                        + golden
                        + " has no row in "
                        + intent.system()
                        + " after "
                        + waitMillis
                        + " ms"
                        + (writeNull ? "; written as NULL" : "; waiting still"),
                intent.goldenKey());
    }

    private long deadline(WriteIntent intent) {
        return intent.eventTime() + waitMillis;
    }

    /** The target's key of a row linked to the golden record; the smallest where there are two. */
    private String linkedIn(String system) throws Exception {
        String prefix = system + '/';
        String smallest = null;
        for (String row : linked.keys()) {
            if (row.startsWith(prefix)) {
                String localId = row.substring(prefix.length());
                if (smallest == null || localId.compareTo(smallest) < 0) {
                    smallest = localId;
                }
            }
        }
        return smallest;
    }

    private WriteIntent translated(WriteIntent intent, String localId) {
        String[] values = intent.values().clone();
        values[attribute] = localId;
        return new WriteIntent(
                intent.system(),
                intent.operation(),
                intent.goldenKey(),
                intent.localId(),
                intent.expectedVersion(),
                intent.expectedValues(),
                values,
                intent.valueTimes(),
                intent.eventTime());
    }

    private static String referenced(WriteIntent intent, int attribute) {
        return intent.operation() == WriteIntent.Operation.DELETE
                        || attribute >= intent.values().length
                ? null
                : intent.values()[attribute];
    }
}
