package io.bidisync.udfs.normalize;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.model.KeyText;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * What makes two records the same entity: one or several attributes, each compared after its own
 * normaliser. Two records match when every part matches; a record with a blank part matches nobody,
 * so its key is {@code null}. A key of several parts is written as {@link KeyText}.
 *
 * @param parts the attributes and their normalisers, in key order
 */
public record MatchKey(List<Part> parts) implements Serializable {

    /** One attribute of the key and how it is normalised. */
    public record Part(String attribute, Normalizer normalizer) implements Serializable {}

    public MatchKey {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a match key needs at least one attribute");
        }
        parts = List.copyOf(parts);
    }

    /** A key of one attribute. */
    public static MatchKey of(String attribute, Normalizer normalizer) {
        return new MatchKey(List.of(new Part(attribute, normalizer)));
    }

    public int size() {
        return parts.size();
    }

    public List<String> attributes() {
        return parts.stream().map(Part::attribute).toList();
    }

    /** The attribute indexes of the parts, in key order. */
    public int[] indexes(Attributes attributes) {
        int[] indexes = new int[parts.size()];
        for (int i = 0; i < indexes.length; i++) {
            indexes[i] = attributes.require(parts.get(i).attribute());
        }
        return indexes;
    }

    /**
     * The normalised key of a record's values (indexed by attribute), or {@code null} when a part
     * is blank.
     *
     * @param indexes the parts' attribute indexes ({@link #indexes})
     */
    public String of(String[] values, int[] indexes) {
        if (parts.size() == 1) {
            return parts.get(0).normalizer().normalize(values[indexes[0]]);
        }
        List<String> normalized = new ArrayList<>(parts.size());
        for (int i = 0; i < indexes.length; i++) {
            String part = parts.get(i).normalizer().normalize(values[indexes[i]]);
            if (part == null) {
                return null;
            }
            normalized.add(part);
        }
        return KeyText.join(normalized);
    }

    /**
     * The normalised key of a key as a user typed it (one value, or a JSON array of one value per
     * part), or {@code null} when a part is blank.
     *
     * @throws IllegalArgumentException if the text does not have a value per part
     */
    public String ofText(String text) {
        List<String> raw = KeyText.split(text, parts.size());
        String[] values = raw.toArray(String[]::new);
        int[] identity = new int[values.length];
        for (int i = 0; i < identity.length; i++) {
            identity[i] = i;
        }
        return of(values, identity);
    }

    /** The normalised parts of a key {@link #of} produced, in key order. */
    public List<String> split(String key) {
        return KeyText.split(key, parts.size());
    }

    /** How the key reads in messages: {@code last_name (lower), birth_date (trim)}. */
    public String describe() {
        List<String> out = new ArrayList<>();
        for (Part part : parts) {
            out.add(part.attribute() + " (" + part.normalizer().configName() + ")");
        }
        return String.join(", ", out);
    }
}
