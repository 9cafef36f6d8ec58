package io.bidisync.job.reference;

import io.bidisync.job.source.RecordChange;

import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.util.Collector;

/**
 * Asks for each record change's reference in attribute {@code attribute} to be resolved: the
 * resolver keeps the record among the referrers of the row it points at, and answers now if it
 * knows the row.
 */
public final class ReferenceRequests implements FlatMapFunction<RecordChange, ReferenceRequest> {
    private static final long serialVersionUID = 1L;

    private final int attribute;

    public ReferenceRequests(int attribute) {
        this.attribute = attribute;
    }

    @Override
    public void flatMap(RecordChange change, Collector<ReferenceRequest> out) {
        if (!change.hasValues() || attribute >= change.values().length) {
            return;
        }
        String localId = change.values()[attribute];
        if (localId != null && !RecordChange.UNAVAILABLE.equals(localId)) {
            out.collect(
                    new ReferenceRequest(
                            change.system() + '/' + localId, change.recordKey(), attribute));
        }
    }
}
