package io.bidisync.job.reference;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.job.metrics.SyncMetrics;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
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
 * configuration says so, is written with NULL there. Never a wrong id.
 *
 * <p>Writes without a value there pass as they are (keyed by their own golden record, to spread
 * them). Where a system holds the golden record twice (internal duplicates), the smallest key is
 * written, so every write points at the same row.
 *
 * <p>End of life: a link is removed when its row leaves the golden record; a write waits no longer
 * than until it passes or its wait ends and it is reported (then it is dropped: the golden record
 * writes again when its values change, and the insert retry of the golden stage tries again).
 */
public class ReferenceTranslator
        extends KeyedCoProcessFunction<String, WriteIntent, LinkChange, WriteIntent> {
    private static final long serialVersionUID = 1L;

    /** The rows linked to the golden record: {@code system/localId}. */
    static final MapStateDescriptor<String, Boolean> LINKED_ROWS =
            new MapStateDescriptor<>("linked-rows", Types.STRING, Types.BOOLEAN);

    /** Writes waiting for the golden record to be linked in their target. */
    static final ListStateDescriptor<WriteIntent> WAITING =
            new ListStateDescriptor<>("waiting-writes", TypeInformation.of(WriteIntent.class));

    /** Marks the key of a write that has no reference to translate. */
    private static final String UNREFERENCED = "\u0000";

    private final SyncConfig config;
    private final int attribute;
    private final long waitMillis;
    private final boolean writeNull;

    private transient MapState<String, Boolean> linked;
    private transient ListState<WriteIntent> waiting;
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
        waiting = getRuntimeContext().getListState(WAITING);
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
        waiting.add(intent);
        ctx.timerService().registerEventTimeTimer(intent.eventTime() + waitMillis);
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
        List<WriteIntent> still = new ArrayList<>();
        boolean released = false;
        for (WriteIntent intent : waiting.get()) {
            String localId = linkedIn(intent.system());
            if (localId != null) {
                out.collect(translated(intent, localId));
                released = true;
            } else {
                still.add(intent);
            }
        }
        if (released) {
            waiting.update(still);
        }
    }

    @Override
    public void onTimer(long timestamp, OnTimerContext ctx, Collector<WriteIntent> out)
            throws Exception {
        List<WriteIntent> still = new ArrayList<>();
        for (WriteIntent intent : waiting.get()) {
            if (intent.eventTime() + waitMillis > timestamp) {
                still.add(intent);
                continue;
            }
            unresolved.inc();
            ctx.output(
                    DeadLetters.TAG,
                    new DeadLetter(
                            System.currentTimeMillis(),
                            intent.system(),
                            intent.targetRow(),
                            "write",
                            "unresolved reference: "
                                    + config.entity()
                                    + "."
                                    + config.attributes().name(attribute)
                                    + " → "
                                    + config.references()
                                            .get(config.attributes().name(attribute))
                                            .entity()
                                    + " golden record "
                                    + ctx.getCurrentKey()
                                    + " has no row in "
                                    + intent.system()
                                    + " after "
                                    + waitMillis
                                    + " ms"
                                    + (writeNull ? "; written as NULL" : "; not written"),
                            intent.goldenKey()));
            if (writeNull) {
                out.collect(translated(intent, null));
            }
        }
        if (still.isEmpty()) {
            waiting.clear();
        } else {
            waiting.update(still);
        }
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
