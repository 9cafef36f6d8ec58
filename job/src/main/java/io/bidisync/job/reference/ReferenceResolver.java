package io.bidisync.job.reference;

import io.bidisync.job.identity.LinkChange;

import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.functions.co.KeyedCoProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Resolves references to one row of the referenced entity type, keyed by that row's key in its
 * identity stage ({@code system/localId}): it follows the row's link to a golden record (from the
 * referenced entity type's identity stage) and tells every record that references the row which
 * golden record that is — at once, and again whenever the row moves to another golden record (a
 * merge) or is deleted.
 *
 * <p>End of life: everything is cleared when the row is deleted. A record that stops referencing
 * the row stays among its referrers until then (it cannot be told apart here; the gate ignores an
 * answer for a reference the record no longer holds).
 */
public class ReferenceResolver
        extends KeyedCoProcessFunction<String, ReferenceRequest, LinkChange, Resolution> {
    private static final long serialVersionUID = 1L;

    /** The golden record (match key) the row is linked to; absent while unknown or unlinked. */
    static final ValueStateDescriptor<String> GOLDEN_KEY =
            new ValueStateDescriptor<>("golden-key", Types.STRING);

    /** When the row's link last changed (event time). */
    static final ValueStateDescriptor<Long> LINKED_AT =
            new ValueStateDescriptor<>("linked-at", Types.LONG);

    /** The records that reference the row, with the attribute that does. */
    static final MapStateDescriptor<String, Integer> REFERRERS =
            new MapStateDescriptor<>("referrers", Types.STRING, Types.INT);

    private transient ValueState<String> golden;
    private transient ValueState<Long> linkedAt;
    private transient MapState<String, Integer> referrers;

    @Override
    public void open(Configuration parameters) {
        golden = getRuntimeContext().getState(GOLDEN_KEY);
        linkedAt = getRuntimeContext().getState(LINKED_AT);
        referrers = getRuntimeContext().getMapState(REFERRERS);
    }

    @Override
    public void processElement1(ReferenceRequest request, Context ctx, Collector<Resolution> out)
            throws Exception {
        referrers.put(request.referrer(), request.attribute());
        String key = golden.value();
        if (key != null) {
            Long at = linkedAt.value();
            out.collect(
                    new Resolution(
                            request.referrer(),
                            request.attribute(),
                            localId(ctx.getCurrentKey()),
                            key,
                            at == null ? 0 : at));
        }
    }

    @Override
    public void processElement2(LinkChange link, Context ctx, Collector<Resolution> out)
            throws Exception {
        switch (link.kind()) {
            case UPSERT -> {
                if (!Objects.equals(golden.value(), link.matchKey())) {
                    golden.update(link.matchKey());
                    linkedAt.update(link.eventTime());
                    tellReferrers(ctx.getCurrentKey(), link.matchKey(), link.eventTime(), out);
                }
            }
            case DELETED -> {
                tellReferrers(ctx.getCurrentKey(), null, link.eventTime(), out);
                golden.clear();
                linkedAt.clear();
                referrers.clear();
            }
            case MOVED_OUT -> {
                // An UPSERT to its new golden record follows when it has one; until then, and if
                // it has none (a blank match key), it stands for no golden record.
                golden.clear();
                linkedAt.clear();
            }
            default -> {}
        }
    }

    private void tellReferrers(
            String row, String goldenKey, long eventTime, Collector<Resolution> out)
            throws Exception {
        List<Resolution> answers = new ArrayList<>();
        for (var e : referrers.entries()) {
            answers.add(
                    new Resolution(e.getKey(), e.getValue(), localId(row), goldenKey, eventTime));
        }
        answers.forEach(out::collect);
    }

    /** The row's primary key, from its key {@code system/localId}. */
    private static String localId(String row) {
        return row.substring(row.indexOf('/') + 1);
    }
}
