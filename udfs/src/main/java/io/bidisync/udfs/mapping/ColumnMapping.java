package io.bidisync.udfs.mapping;

import io.bidisync.udfs.model.Attributes;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one system's columns map to the global attributes, in both directions.
 *
 * <p>A system need not map every attribute; unmapped attributes read as {@code null} and are never
 * written to that system.
 */
public final class ColumnMapping implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Attributes attributes;

    /** Column per attribute index; {@code null} where the system does not hold the attribute. */
    private final String[] columns;

    private final boolean[] mapped;

    /**
     * @param attributes the global model
     * @param attributeToColumn column name per global attribute name; every key must be an
     *     attribute of the model
     */
    public ColumnMapping(Attributes attributes, Map<String, String> attributeToColumn) {
        this.attributes = Objects.requireNonNull(attributes, "attributes");
        this.columns = new String[attributes.size()];
        this.mapped = new boolean[attributes.size()];
        attributeToColumn.forEach(
                (attribute, column) -> {
                    int index = attributes.require(attribute);
                    columns[index] = Objects.requireNonNull(column, "column of " + attribute);
                    mapped[index] = true;
                });
    }

    public Attributes attributes() {
        return attributes;
    }

    /** Whether this system holds the attribute at {@code index}. */
    public boolean isMapped(int index) {
        return mapped[index];
    }

    /** Which attributes this system holds, by attribute index (do not modify). */
    public boolean[] mask() {
        return mapped.clone();
    }

    /** The column of the attribute at {@code index}, or {@code null} if unmapped. */
    public String columnOf(int index) {
        return columns[index];
    }

    /** The mapped columns, in attribute order. */
    public List<String> columns() {
        List<String> out = new ArrayList<>();
        for (String c : columns) {
            if (c != null) {
                out.add(c);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Reads a row (column name → value) into attribute values, in attribute order. */
    public String[] toAttributeValues(Map<String, String> row) {
        String[] values = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            if (columns[i] != null) {
                values[i] = row.get(columns[i]);
            }
        }
        return values;
    }

    /** Writes attribute values as a row (column name → value) holding only the mapped columns. */
    public Map<String, String> toColumnValues(String[] attributeValues) {
        if (attributeValues.length != columns.length) {
            throw new IllegalArgumentException(
                    "expected " + columns.length + " values, got " + attributeValues.length);
        }
        Map<String, String> row = new LinkedHashMap<>();
        for (int i = 0; i < columns.length; i++) {
            if (columns[i] != null) {
                row.put(columns[i], attributeValues[i]);
            }
        }
        return row;
    }
}
