package io.bidisync.job.source;

import io.bidisync.job.source.ChangeParser.UnmappableException;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.types.StoredType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * One row image of a change event ({@code after}, or {@code before} of a delete): each column's
 * value as the Java value or text it stands for ({@link DebeziumValues}), and the row's attribute
 * values in their types' canonical forms. Immutable.
 */
final class RowImage {
    private static final String UNAVAILABLE_BYTES =
            Base64.getEncoder()
                    .encodeToString(RecordChange.UNAVAILABLE.getBytes(StandardCharsets.UTF_8));

    private final String[] columns;

    /** Per column: null, a {@code String}, a {@code java.time} value, {@code BigDecimal}, … */
    private final Object[] values;

    RowImage(String[] columns, Object[] values) {
        this.columns = columns;
        this.values = values;
    }

    /** A row image of Debezium's record, read by its schema. */
    static RowImage of(Struct image) {
        List<Field> fields = image.schema().fields();
        String[] columns = new String[fields.size()];
        Object[] values = new Object[columns.length];
        for (int i = 0; i < columns.length; i++) {
            Field field = fields.get(i);
            columns[i] = field.name();
            values[i] = DebeziumValues.decode(image.get(field), field.schema());
        }
        return new RowImage(columns, values);
    }

    /** A row image of a JSON event payload, with the event's schema (or null); null if absent. */
    static RowImage of(JsonNode image, JsonNode eventSchema, String name) {
        if (image == null || !image.isObject()) {
            return null;
        }
        Map<String, JsonNode> fieldSchemas = fieldSchemas(eventSchema, name);
        String[] columns = new String[image.size()];
        Object[] values = new Object[columns.length];
        Iterator<Map.Entry<String, JsonNode>> fields = image.fields();
        for (int i = 0; fields.hasNext(); i++) {
            Map.Entry<String, JsonNode> field = fields.next();
            columns[i] = field.getKey();
            values[i] = DebeziumValues.decode(field.getValue(), fieldSchemas.get(field.getKey()));
        }
        return new RowImage(columns, values);
    }

    int size() {
        return columns.length;
    }

    String column(int i) {
        return columns[i];
    }

    Object value(int i) {
        return values[i];
    }

    /** A column's value; null if absent. */
    private Object get(String column) {
        // A handful of columns: a scan beats hashing, and the names are the schema's own strings.
        for (int i = 0; i < columns.length; i++) {
            if (columns[i].equals(column)) {
                return values[i];
            }
        }
        return null;
    }

    /** A column's value as text (a key, a version); null if absent. */
    String text(String column) {
        Object value = get(column);
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
        String[] out = new String[attributes.size()];
        for (int i = 0; i < out.length; i++) {
            String column = mapping.columnOf(i);
            if (column == null) {
                continue;
            }
            Object raw = get(column);
            if (isUnavailable(raw)) {
                out[i] = RecordChange.UNAVAILABLE;
                continue;
            }
            try {
                StoredType lossy = stored[i];
                out[i] =
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
        return out;
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

    static String quoted(String text) {
        return text == null ? "null" : TextNode.valueOf(text).toString();
    }

    /** The image as a JSON object, for a dead letter. */
    @Override
    public String toString() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < columns.length; i++) {
            Object value = values[i];
            if (value == null) {
                out.putNull(columns[i]);
            } else if (value instanceof JsonNode node) {
                out.set(columns[i], node);
            } else {
                out.put(columns[i], value.toString());
            }
        }
        return out.toString();
    }
}
