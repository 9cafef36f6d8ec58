package io.bidisync.udfs.mapping;

import io.bidisync.udfs.model.KeyText;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A table's primary key as one system maps it: its columns, in key order, and which of them carry
 * an attribute. A row's key travels as {@link KeyText} of its parts: a part whose column carries an
 * attribute is the attribute's value in its type's canonical form (so a key read from the change
 * stream and a key the job inserted are the same text); any other part is the column's value as
 * text.
 */
public final class PrimaryKey implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<String> columns;

    /** Attribute index per key column; -1 where the column carries none. */
    private final int[] attributes;

    public PrimaryKey(List<String> columns, ColumnMapping mapping) {
        this.columns = List.copyOf(columns);
        this.attributes = new int[columns.size()];
        for (int i = 0; i < attributes.length; i++) {
            attributes[i] = -1;
            for (int a = 0; a < mapping.attributes().size(); a++) {
                if (columns.get(i).equals(mapping.columnOf(a))) {
                    attributes[i] = a;
                }
            }
        }
    }

    public List<String> columns() {
        return columns;
    }

    public int size() {
        return columns.size();
    }

    /** The attribute the key column at {@code part} carries, or -1. */
    public int attributeOf(int part) {
        return attributes[part];
    }

    /** Whether every key column carries an attribute, so a row's values give its key. */
    public boolean fromAttributes() {
        for (int a : attributes) {
            if (a < 0) {
                return false;
            }
        }
        return true;
    }

    /** Whether the column is one of the key's. */
    public boolean contains(String column) {
        return columns.contains(column);
    }

    /**
     * The key of a row.
     *
     * @param values the row's attribute values, canonical
     * @param columnText a column's value as text, for the parts that carry no attribute
     * @return the key, or {@code null} when a part has no value
     */
    public String of(String[] values, Function<String, String> columnText) {
        List<String> parts = new ArrayList<>(columns.size());
        for (int i = 0; i < attributes.length; i++) {
            String part =
                    attributes[i] >= 0 && attributes[i] < values.length
                            ? values[attributes[i]]
                            : columnText.apply(columns.get(i));
            if (part == null) {
                return null;
            }
            parts.add(part);
        }
        return KeyText.join(parts);
    }

    /** The parts of a key {@link #of} produced, in key order. */
    public List<String> parts(String key) {
        return KeyText.split(key, columns.size());
    }
}
