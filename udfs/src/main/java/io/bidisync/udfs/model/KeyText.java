package io.bidisync.udfs.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;

import java.util.ArrayList;
import java.util.List;

/**
 * A key of one or several parts as one text, the form keys travel in, are kept in state under and
 * are shown in plans, audits and dead letters: one part is the part itself (so a single-column key
 * reads as it always did), several parts are a JSON array of strings, {@code ["A-17","3"]}, which
 * no separator character could make ambiguous.
 */
public final class KeyText {
    private static final ObjectMapper JSON = new ObjectMapper();

    private KeyText() {}

    /** The text of a key whose parts are all non-null. */
    public static String join(List<String> parts) {
        if (parts.size() == 1) {
            return parts.get(0);
        }
        ArrayNode array = JSON.createArrayNode();
        parts.forEach(array::add);
        return array.toString();
    }

    /**
     * The parts of a key of {@code count} parts written by {@link #join}.
     *
     * @throws IllegalArgumentException if the text is not a key of that many parts
     */
    public static List<String> split(String text, int count) {
        if (count == 1) {
            return List.of(text);
        }
        JsonNode array;
        try {
            array = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            array = null;
        }
        if (array == null || !array.isArray() || array.size() != count) {
            throw new IllegalArgumentException(
                    "expected a key of " + count + " parts as a JSON array of strings");
        }
        List<String> parts = new ArrayList<>(count);
        for (JsonNode part : array) {
            if (!part.isTextual() && !part.isNumber()) {
                throw new IllegalArgumentException(
                        "expected a key of " + count + " parts as a JSON array of strings");
            }
            parts.add(part.asText());
        }
        return parts;
    }
}
