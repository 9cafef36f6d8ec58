package io.bidisync.udfs.model;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * The global attributes of one entity type, in configuration order.
 *
 * <p>Attribute values travel through the job as {@code String[]} indexed by this order, which keeps
 * events and state compact and serialisable by Flink without Kryo. Reordering or removing
 * attributes therefore changes the meaning of stored state; appending is the compatible change.
 */
public final class Attributes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> names;

    public Attributes(List<String> names) {
        this.names = List.copyOf(Objects.requireNonNull(names, "names"));
        if (this.names.size() != this.names.stream().distinct().count()) {
            throw new IllegalArgumentException("attribute names must be unique: " + names);
        }
    }

    public List<String> names() {
        return names;
    }

    public int size() {
        return names.size();
    }

    public String name(int index) {
        return names.get(index);
    }

    /** Index of the attribute, or -1 if it is not part of the model. */
    public int indexOf(String name) {
        return names.indexOf(name);
    }

    /** Index of the attribute; fails if it is not part of the model. */
    public int require(String name) {
        int index = names.indexOf(name);
        if (index < 0) {
            throw new IllegalArgumentException("unknown attribute '" + name + "'");
        }
        return index;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Attributes other && names.equals(other.names);
    }

    @Override
    public int hashCode() {
        return names.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
