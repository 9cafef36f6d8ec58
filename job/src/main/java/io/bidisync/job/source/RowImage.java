package io.bidisync.job.source;

import io.bidisync.job.source.ChangeParser.UnmappableException;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.types.StoredType;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * One row image of a change event ({@code after}, or {@code before} of a delete): each column's
 * value as the Java value or text it stands for, read by the event's schema where it has one
 * ({@link DebeziumValues}), and the row's attribute values in their types' canonical forms.
 */
final class RowImage {
    private static final String UNAVAILABLE_BYTES =
            Base64.getEncoder()
                    .encodeToString(RecordChange.UNAVAILABLE.getBytes(StandardCharsets.UTF_8));

    private final Map<String, Object> columns;

    private RowImage(Map<String, Object> columns) {
        this.columns = columns;
    }

    /** The row image {@code name} of an event payload, with the event's schema (or null). */
    static RowImage of(JsonNode image, JsonNode eventSchema, String name)
            throws UnmappableException {
        if (image == null || !image.isObject()) {
            throw new UnmappableException(null, "no '" + name + "' row image in the change event");
        }
        Map<String, JsonNode> fieldSchemas = fieldSchemas(eventSchema, name);
        Map<String, Object> columns = new HashMap<>();
        Iterator<Map.Entry<String, JsonNode>> fields = image.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            columns.put(
                    field.getKey(),
                    DebeziumValues.decode(field.getValue(), fieldSchemas.get(field.getKey())));
        }
        return new RowImage(columns);
    }

    /** A column's value as text (a key, a version); null if absent. */
    String text(String column) {
        Object value = columns.get(column);
        return value == null ? null : value.toString();
    }

    /**
     * The row's attribute values, each in its type's canonical form; {@link
     * RecordChange#UNAVAILABLE} where Debezium sent its placeholder.
     *
     * @param stored per attribute, what a lossy column stores; {@code null} elsewhere
     * @throws UnmappableException naming the column and the type, for a value not of its type
     */
    String[] attributeValues(ColumnMapping mapping, StoredType[] stored)
            throws UnmappableException {
        Attributes attributes = mapping.attributes();
        String[] values = new String[attributes.size()];
        for (int i = 0; i < values.length; i++) {
            String column = mapping.columnOf(i);
            if (column == null) {
                continue;
            }
            Object raw = columns.get(column);
            if (isUnavailable(raw)) {
                values[i] = RecordChange.UNAVAILABLE;
                continue;
            }
            try {
                StoredType lossy = stored[i];
                values[i] =
                        lossy == null || lossy.type() == null
                                ? attributes.type(i).canonical(raw)
                                // A lossy column: its value as the column's type, then as the
                                // attribute's.
                                : lossy.read(attributes.type(i), lossy.type().canonical(raw));
            } catch (IllegalArgumentException e) {
                throw new UnmappableException(
                        null,
                        "column '"
                                + column
                                + "' (attribute "
                                + attributes.name(i)
                                + ", "
                                + attributes.type(i).configName()
                                + "): "
                                + e.getMessage());
            }
        }
        return values;
    }

    /** Debezium's placeholder, as text, as Base64 bytes, or as an array's only element. */
    private static boolean isUnavailable(Object raw) {
        if (raw instanceof JsonNode array) {
            return array.size() == 1 && RecordChange.UNAVAILABLE.equals(array.get(0).asText());
        }
        return RecordChange.UNAVAILABLE.equals(raw) || UNAVAILABLE_BYTES.equals(raw);
    }

    /** The schemas of a row image's fields, by column; empty without a schema. */
    private static Map<String, JsonNode> fieldSchemas(JsonNode schema, String image) {
        if (schema == null) {
            return Map.of();
        }
        for (JsonNode part : schema.path("fields")) {
            if (image.equals(part.path("field").asText())) {
                Map<String, JsonNode> out = new HashMap<>();
                for (JsonNode field : part.path("fields")) {
                    out.put(field.path("field").asText(), field);
                }
                return out;
            }
        }
        return Map.of();
    }
}
