package io.bidisync.job.source;

import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.cdc.connectors.base.source.meta.offset.OffsetFactory;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceRecords;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitState;
import org.apache.flink.cdc.connectors.base.source.metrics.SourceReaderMetrics;
import org.apache.flink.cdc.connectors.base.source.reader.IncrementalSourceRecordEmitter;
import org.apache.flink.cdc.debezium.DebeziumDeserializationSchema;

import org.apache.kafka.connect.source.SourceRecord;

import static org.apache.flink.cdc.connectors.base.source.meta.wartermark.WatermarkEvent.isWatermarkEvent;
import static org.apache.flink.cdc.connectors.base.utils.SourceRecordUtils.isDataChangeRecord;

/**
 * The CDC source's record emitter, with two costs per row change taken out of upstream's.
 *
 * <p>Upstream asks first whether each record is a schema change, with {@code String.matches}: a
 * regular expression compiled per record. A row change is never a schema change (it has an
 * operation; a schema change record has none), so row changes are recognised first here.
 *
 * <p>Upstream also converts each row change's offset into the stream split's starting offset, a map
 * copied and parsed per record. Only the last one of a batch counts: a checkpoint reads the split
 * state between batches, never within one. So the offset is moved once per run of row changes:
 * before any other record goes upstream's way (a heartbeat moves the offset itself), and at the end
 * of the batch. Everything else is upstream's.
 */
final class CdcRecordEmitter<T> extends IncrementalSourceRecordEmitter<T> {

    CdcRecordEmitter(
            DebeziumDeserializationSchema<T> deserializer,
            SourceReaderMetrics metrics,
            boolean includeSchemaChanges,
            OffsetFactory offsetFactory) {
        super(deserializer, metrics, includeSchemaChanges, offsetFactory);
    }

    @Override
    public void emitRecord(
            SourceRecords records, SourceOutput<T> output, SourceSplitState splitState)
            throws Exception {
        SourceRecord lastChange = null;
        for (SourceRecord element : records.getSourceRecordList()) {
            if (isDataChangeRecord(element) && !isWatermarkEvent(element)) {
                reportMetrics(element);
                emitElement(element, output);
                lastChange = element;
            } else {
                moveOffset(lastChange, splitState);
                lastChange = null;
                processElement(element, output, splitState);
            }
        }
        moveOffset(lastChange, splitState);
    }

    private void moveOffset(SourceRecord lastChange, SourceSplitState splitState) {
        if (lastChange != null && splitState.isStreamSplitState()) {
            splitState.asStreamSplitState().setStartingOffset(getOffsetPosition(lastChange));
        }
    }
}
