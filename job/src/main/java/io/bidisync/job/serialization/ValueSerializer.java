package io.bidisync.job.serialization;

import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * The serializer of one of the job's hot event or state types, written field by field.
 *
 * <p>Flink's POJO serializer reads and writes record components by reflection and strings char by
 * char; on the per-event path (the golden stage's state, the records between the stages) that was a
 * quarter of the CPU (docs/performance.md). The job's values are immutable — their arrays are never
 * written after construction — so a copy is the value itself.
 *
 * <p>A serializer's format is part of every savepoint: change it only together with a new {@link
 * org.apache.flink.api.common.typeutils.TypeSerializerSnapshot} version.
 */
public abstract class ValueSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return true;
    }

    @Override
    public T createInstance() {
        return null;
    }

    @Override
    public T copy(T from) {
        return from;
    }

    @Override
    public T copy(T from, T reuse) {
        return from;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T deserialize(T reuse, DataInputView source) throws IOException {
        return deserialize(source);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }
}
