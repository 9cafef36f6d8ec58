package io.bidisync.job.config;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.normalize.MatchKey;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.survivorship.Rule;
import io.bidisync.udfs.types.ValueType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Reads the global model: {@code name}, {@code attributes}, {@code match-key}, {@code survivorship}
 * and {@code compare} — what every system is mapped onto.
 */
final class ModelReader {
    static final Set<String> MATCH_KEY_KEYS = Set.of("attribute", "attributes", "normalize");
    static final Set<String> SURVIVORSHIP_KEYS = Set.of("default", "priority", "rules");

    /** Part of replication slot, publication and Kafka id names, so kept plain and short. */
    private static final Pattern SYNC_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,40}");

    /**
     * The global model as read; a part that could not be read is null (or its default).
     *
     * @param name the sync's name; the default Kafka ids are built from it
     * @param attributes null when the list is missing or wrong: the checks against it are skipped
     */
    record Model(
            String name,
            Attributes attributes,
            MatchKey matchKey,
            Rule defaultRule,
            List<String> priority,
            Map<String, Rule> rules,
            Map<String, Normalizer> compare) {}

    private ModelReader() {}

    /** Reads the model's keys of the file; problems go to the file's problems. */
    static Model read(YamlNode file) {
        String name = file.string("name", true);
        if (name != null && !SYNC_NAME.matcher(name).matches()) {
            file.problem(
                    "name",
                    "must be lower case letters, digits, '-' or '_', starting with a letter (got '"
                            + name
                            + "')");
        }
        Attributes attributes = attributes(file);
        if (attributes != null) {
            Map<String, ValueType> types =
                    perAttribute(file, "types", attributes, ModelReader::type);
            attributes =
                    new Attributes(
                            attributes.names(),
                            attributes.names().stream()
                                    .map(a -> types.getOrDefault(a, ValueType.TEXT))
                                    .toList(),
                            attributes.names().stream().map(types::containsKey).toList());
        }
        MatchKey matchKey = matchKey(file, attributes);

        Rule defaultRule = Rule.MOST_RECENT;
        List<String> priority = List.of();
        Map<String, Rule> rules = Map.of();
        YamlNode survivorship = file.map("survivorship", false);
        if (survivorship != null) {
            survivorship.rejectUnknownKeys(SURVIVORSHIP_KEYS);
            String defaultName = survivorship.string("default", false);
            if (defaultName != null) {
                defaultRule = rule(survivorship, "default", defaultName);
            }
            List<String> p = survivorship.stringList("priority", false);
            priority = p == null ? List.of() : p;
            rules = perAttribute(survivorship, "rules", attributes, ModelReader::rule);
        }
        Map<String, Normalizer> compare =
                perAttribute(file, "compare", attributes, ModelReader::normalizer);
        return new Model(
                name,
                attributes,
                matchKey,
                defaultRule == null ? Rule.MOST_RECENT : defaultRule,
                priority,
                rules,
                compare);
    }

    private static Attributes attributes(YamlNode file) {
        List<String> names = file.stringList("attributes", true);
        if (names == null) {
            return null;
        }
        if (names.isEmpty()) {
            file.problem("attributes", "must list at least one attribute");
        } else if (names.size() != names.stream().distinct().count()) {
            file.problem("attributes", "lists an attribute twice: " + names);
        } else {
            return new Attributes(names);
        }
        return null;
    }

    /**
     * {@code match-key}: {@code attribute} and one {@code normalize} name, or {@code attributes} (a
     * list) and {@code normalize} as a mapping attribute → normaliser; a part without one is
     * trimmed.
     */
    private static MatchKey matchKey(YamlNode file, Attributes attributes) {
        YamlNode node = file.map("match-key", true);
        if (node == null) {
            return null;
        }
        node.rejectUnknownKeys(MATCH_KEY_KEYS);
        if (node.has("attributes")) {
            return compositeMatchKey(node, attributes);
        }
        String attribute = node.string("attribute", true);
        boolean known =
                attribute != null
                        && CrossChecks.isAttribute(node, "attribute", attribute, attributes);
        String normalizeName = node.string("normalize", false);
        Normalizer normalizer =
                normalizeName == null
                        ? Normalizer.TRIM
                        : normalizer(node, "normalize", normalizeName);
        return known && normalizer != null ? MatchKey.of(attribute, normalizer) : null;
    }

    private static MatchKey compositeMatchKey(YamlNode node, Attributes attributes) {
        if (node.has("attribute")) {
            node.problem("attribute", "give either attribute or attributes, not both");
        }
        List<String> names = node.stringList("attributes", true);
        if (names == null) {
            return null;
        }
        if (names.isEmpty() || names.size() != names.stream().distinct().count()) {
            node.problem("attributes", "must list distinct attributes, got " + names);
            return null;
        }
        Map<String, Normalizer> normalizers =
                node.value("normalize") instanceof String
                        ? null
                        : perAttribute(node, "normalize", attributes, ModelReader::normalizer);
        if (normalizers == null) {
            node.problem(
                    "normalize",
                    "with several attributes, expected a mapping of attribute: normaliser");
            return null;
        }
        List<MatchKey.Part> parts = new ArrayList<>();
        boolean known = true;
        for (String attribute : names) {
            known &= CrossChecks.isAttribute(node, "attributes", attribute, attributes);
            parts.add(
                    new MatchKey.Part(
                            attribute, normalizers.getOrDefault(attribute, Normalizer.TRIM)));
        }
        for (String attribute : normalizers.keySet()) {
            if (!names.contains(attribute)) {
                node.problem(
                        "normalize", "names '" + attribute + "', which is not part of the key");
            }
        }
        return known ? new MatchKey(parts) : null;
    }

    /** How a per-attribute value is read; reports and returns null if it is not one. */
    @FunctionalInterface
    private interface ValueReader<T> {
        T read(YamlNode node, String key, String value);
    }

    /**
     * A mapping {@code attribute: value} under {@code key} (survivorship rules, comparison
     * normalisers), in file order, without the entries that could not be read.
     */
    private static <T> Map<String, T> perAttribute(
            YamlNode parent, String key, Attributes attributes, ValueReader<T> reader) {
        if (parent.value(key) == null) {
            return Map.of();
        }
        YamlNode node = parent.mapAt(key);
        if (node == null) {
            parent.problem(key, "expected a mapping of attribute: value");
            return Map.of();
        }
        Map<String, T> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : node.entries()) {
            String attribute = String.valueOf(e.getKey());
            if (!CrossChecks.isAttribute(node, attribute, attribute, attributes)) {
                continue;
            }
            T value = reader.read(node, attribute, String.valueOf(e.getValue()));
            if (value != null) {
                out.put(attribute, value);
            }
        }
        return out;
    }

    private static ValueType type(YamlNode node, String key, String name) {
        ValueType type = ValueType.byName(name);
        if (type == null) {
            node.problem(
                    key,
                    "unknown type '"
                            + name
                            + "' (one of: "
                            + String.join(
                                    ", ",
                                    java.util.Arrays.stream(ValueType.values())
                                            .map(ValueType::configName)
                                            .toList())
                            + ")");
        }
        return type;
    }

    private static Rule rule(YamlNode node, String key, String value) {
        Rule rule = Rule.byName(value);
        if (rule == null) {
            node.problem(key, "unknown rule '" + value + "' (use most-recent or priority)");
        }
        return rule;
    }

    private static Normalizer normalizer(YamlNode node, String key, String value) {
        Normalizer n = Normalizer.byName(value);
        if (n == null) {
            node.problem(
                    key,
                    "unknown normaliser '"
                            + value
                            + "' (use email, phone, digits, lower, trim or none)");
        }
        return n;
    }
}
