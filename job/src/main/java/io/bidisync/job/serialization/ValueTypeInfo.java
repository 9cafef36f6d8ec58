package io.bidisync.job.serialization;

import org.apache.flink.api.common.ExecutionConfig;
import org.apache.flink.api.common.serialization.SerializerConfig;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;

import java.lang.reflect.Type;
import java.util.Map;

/**
 * The type information of a type with its own {@link ValueSerializer}; types name it through {@link
 * org.apache.flink.api.common.typeinfo.TypeInfo}, so {@code TypeInformation.of} and state
 * descriptors find it without being told.
 */
public final class ValueTypeInfo<T> extends TypeInformation<T> {
    private static final long serialVersionUID = 1L;

    private final Class<T> type;
    private final ValueSerializer<T> serializer;

    public ValueTypeInfo(Class<T> type, ValueSerializer<T> serializer) {
        this.type = type;
        this.serializer = serializer;
    }

    @Override
    public boolean isBasicType() {
        return false;
    }

    @Override
    public boolean isTupleType() {
        return false;
    }

    @Override
    public int getArity() {
        return 1;
    }

    @Override
    public int getTotalFields() {
        return 1;
    }

    @Override
    public Class<T> getTypeClass() {
        return type;
    }

    @Override
    public boolean isKeyType() {
        return false;
    }

    @Override
    public TypeSerializer<T> createSerializer(SerializerConfig config) {
        return serializer;
    }

    /** Never called: {@link #createSerializer(SerializerConfig)} is implemented. */
    @Override
    @Deprecated
    public TypeSerializer<T> createSerializer(ExecutionConfig config) {
        return serializer;
    }

    @Override
    public String toString() {
        return type.getSimpleName();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ValueTypeInfo<?> other && other.type == type;
    }

    @Override
    public int hashCode() {
        return type.hashCode();
    }

    @Override
    public boolean canEqual(Object o) {
        return o instanceof ValueTypeInfo;
    }

    /**
     * The factory a type's {@code @TypeInfo} names; Flink instantiates it by its no-argument
     * constructor, so each type has a subclass that passes its class and serializer.
     */
    public abstract static class Factory<T> extends TypeInfoFactory<T> {
        private final Class<T> type;
        private final ValueSerializer<T> serializer;

        protected Factory(Class<T> type, ValueSerializer<T> serializer) {
            this.type = type;
            this.serializer = serializer;
        }

        @Override
        public final TypeInformation<T> createTypeInfo(
                Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new ValueTypeInfo<>(type, serializer);
        }
    }
}
