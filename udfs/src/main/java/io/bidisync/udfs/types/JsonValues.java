package io.bidisync.udfs.types;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.sql.Array;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Canonical JSON documents and arrays: keys sorted at every level, no spacing, numbers by value
 * ({@code 1.50} is {@code 1.5}, {@code 1E2} is {@code 100}), as PostgreSQL's {@code jsonb} and
 * MySQL's {@code json} compare them.
 */
final class JsonValues {
    private JsonValues() {}

    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private static final ObjectMapper MAPPER =
            JsonMapper.builder()
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS)
                    .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
                    .nodeFactory(NODES)
                    .build();

    static String canonical(Object value) {
        String text =
                value instanceof byte[] b
                        ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                        : value.toString();
        try {
            return MAPPER.writeValueAsString(sorted(MAPPER.readTree(text)));
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a JSON document: " + e.getOriginalMessage());
        }
    }

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            Map<String, JsonNode> fields = new TreeMap<>();
            Iterator<Map.Entry<String, JsonNode>> it = node.fields();
            while (it.hasNext()) {
                Map.Entry<String, JsonNode> e = it.next();
                fields.put(e.getKey(), sorted(e.getValue()));
            }
            ObjectNode out = NODES.objectNode();
            fields.forEach(out::set);
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = NODES.arrayNode();
            node.forEach(e -> out.add(sorted(e)));
            return out;
        }
        if (node.isNumber()) {
            BigDecimal d = node.decimalValue().stripTrailingZeros();
            return d.scale() <= 0 ? NODES.numberNode(d.toBigIntegerExact()) : NODES.numberNode(d);
        }
        return node;
    }

    /** An array of text or whole numbers, from a JDBC array, a Java array or list, or text. */
    static String array(boolean integers, Object value) {
        List<?> elements;
        if (value instanceof Array a) {
            try {
                elements = List.of((Object[]) a.getArray());
            } catch (SQLException e) {
                throw new IllegalArgumentException("unreadable array: " + e.getMessage());
            }
        } else if (value instanceof Object[] a) {
            elements = Arrays.asList(a);
        } else if (value instanceof Collection<?> c) {
            elements = new ArrayList<>(c);
        } else if (value instanceof JsonNode node && node.isArray()) {
            elements = elements(node);
        } else {
            String text = value.toString().trim();
            elements = text.startsWith("{") ? PostgresArrays.parse(text) : elements(parse(text));
        }
        ArrayNode out = NODES.arrayNode();
        for (Object e : elements) {
            if (e == null) {
                out.addNull();
            } else if (integers) {
                out.add(new java.math.BigInteger(ValueType.INTEGER.canonical(e)));
            } else {
                out.add(e.toString());
            }
        }
        return out.toString();
    }

    private static JsonNode parse(String text) {
        try {
            JsonNode node = MAPPER.readTree(text);
            if (node != null && node.isArray()) {
                return node;
            }
        } catch (JsonProcessingException e) {
            // falls through to the error below
        }
        throw new IllegalArgumentException("not an array: '" + text + "'");
    }

    private static List<Object> elements(JsonNode array) {
        List<Object> out = new ArrayList<>();
        for (JsonNode e : array) {
            out.add(e.isNull() ? null : e.isValueNode() ? e.asText() : e.toString());
        }
        return out;
    }

    /** The elements of a canonical array, as {@code Long[]} or {@code String[]}. */
    static Object toArray(boolean integers, String canonical) {
        List<Object> elements = elements(parse(canonical));
        if (integers) {
            Long[] out = new Long[elements.size()];
            for (int i = 0; i < out.length; i++) {
                out[i] = elements.get(i) == null ? null : Long.valueOf((String) elements.get(i));
            }
            return out;
        }
        return elements.stream().map(e -> (String) e).toArray(String[]::new);
    }

    static JsonNode node(ValueType type, String canonical) {
        if (canonical == null) {
            return NODES.nullNode();
        }
        switch (type) {
            case INTEGER:
                return NODES.numberNode(new java.math.BigInteger(canonical));
            case DECIMAL:
                return canonical.matches("-?[0-9.]+")
                        ? NODES.numberNode(new BigDecimal(canonical))
                        : NODES.textNode(canonical);
            case DOUBLE:
                double d = Double.parseDouble(canonical);
                return Double.isFinite(d) ? NODES.numberNode(d) : NODES.textNode(canonical);
            case BOOLEAN:
                return NODES.booleanNode(Boolean.parseBoolean(canonical));
            case JSON:
            case TEXT_ARRAY:
            case INTEGER_ARRAY:
                try {
                    return MAPPER.readTree(canonical);
                } catch (JsonProcessingException e) {
                    throw new IllegalArgumentException("not canonical JSON: " + canonical, e);
                }
            default:
                return NODES.textNode(canonical);
        }
    }
}
