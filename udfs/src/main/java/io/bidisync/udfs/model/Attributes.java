package io.bidisync.udfs.model;

import io.bidisync.udfs.types.ValueType;

import java.io.Serializable;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The global attributes of one entity type, in configuration order.
 *
 * <p>Attribute values travel through the job as {@code String[]} indexed by this order, each in its
 * attribute's {@link ValueType} canonical form, which keeps events and state compact and
 * serialisable by Flink without Kryo while values compare by value. Reordering or removing
 * attributes therefore changes the meaning of stored state; appending is the compatible change.
 */
public final class Attributes implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> names;

    private final List<ValueType> types;

    /** Which types the configuration declared; the others may be taken from the tables. */
    private final List<Boolean> declared;

    /** Attributes of text, none declared. */
    public Attributes(List<String> names) {
        this(
                names,
                Collections.nCopies(names.size(), ValueType.TEXT),
                Collections.nCopies(names.size(), false));
    }

    /** Attributes with their declared types, in the same order. */
    public Attributes(List<String> names, List<ValueType> types) {
        this(names, types, Collections.nCopies(names.size(), true));
    }

    /** Attributes with their types, in the same order, and whether each was declared. */
    public Attributes(List<String> names, List<ValueType> types, List<Boolean> declared) {
        this.names = List.copyOf(Objects.requireNonNull(names, "names"));
        this.types = List.copyOf(Objects.requireNonNull(types, "types"));
        this.declared = List.copyOf(Objects.requireNonNull(declared, "declared"));
        if (this.names.size() != this.names.stream().distinct().count()) {
            throw new IllegalArgumentException("attribute names must be unique: " + names);
        }
        if (this.types.size() != this.names.size() || this.declared.size() != this.names.size()) {
            throw new IllegalArgumentException(
                    names.size() + " attributes but " + types.size() + " types");
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

    /** The types, in attribute order. */
    public List<ValueType> types() {
        return types;
    }

    public ValueType type(int index) {
        return types.get(index);
    }

    /** Whether the configuration declared the type of the attribute at {@code index}. */
    public boolean declared(int index) {
        return declared.get(index);
    }

    /** These attributes with the given types, each still declared or not as before. */
    public Attributes withTypes(List<ValueType> types) {
        return new Attributes(names, types, declared);
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
        return o instanceof Attributes other
                && names.equals(other.names)
                && types.equals(other.types);
    }

    @Override
    public int hashCode() {
        return names.hashCode() * 31 + types.hashCode();
    }

    @Override
    public String toString() {
        return names.toString();
    }
}
