package io.bidisync.job.config;

import org.apache.flink.util.TimeUtils;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * One mapping of the configuration file, read with the key path that leads to it ({@code
 * systems.erp.source.}), so that every problem names the full key it is about.
 *
 * <p>The typed getters never throw: a value of the wrong shape is reported to the file's {@link
 * Problems} as {@code path: problem} and the getter returns {@code null} (or the default), so the
 * readers go on and find the file's other problems too. {@code ${VAR}} references in single values
 * and lists are replaced from the environment as they are read (a variable that is not set is a
 * problem); the few values that must stay references (passwords, Kafka secrets) are read raw with
 * {@link #value} and checked with {@link #references}.
 */
final class YamlNode {
    private final Map<?, ?> map;
    private final String prefix;
    private final Function<String, String> environment;
    private final Problems problems;

    private YamlNode(
            Map<?, ?> map, String prefix, Function<String, String> environment, Problems problems) {
        this.map = map;
        this.prefix = prefix;
        this.environment = environment;
        this.problems = problems;
    }

    /** The file's top-level mapping, whose keys have no path before them. */
    static YamlNode root(Map<?, ?> map, Function<String, String> environment, Problems problems) {
        return new YamlNode(map, "", environment, problems);
    }

    /** The full key path of {@code key} in this mapping, like {@code systems.erp.table}. */
    String path(String key) {
        return prefix + key;
    }

    /** The path of this mapping itself, like {@code systems.erp}; empty for the file. */
    String path() {
        return prefix.isEmpty() ? "" : prefix.substring(0, prefix.length() - 1);
    }

    /** Reports a problem with the value of {@code key}. */
    void problem(String key, String message) {
        problems.add(path(key), message);
    }

    /** Reports a problem with this mapping as a whole. */
    void problem(String message) {
        problems.add(path(), message);
    }

    /**
     * How many problems the file has so far: a reader compares counts to see if its part failed.
     */
    int problemCount() {
        return problems.count();
    }

    boolean has(String key) {
        return map.containsKey(key);
    }

    boolean isEmpty() {
        return map.isEmpty();
    }

    int size() {
        return map.size();
    }

    /** The keys as the file has them, in file order (YAML may have keys that are not strings). */
    Set<?> keys() {
        return map.keySet();
    }

    /** The entries in file order, values as the YAML parser made them. */
    Set<? extends Map.Entry<?, ?>> entries() {
        return map.entrySet();
    }

    /** The value of {@code key} as parsed: no check, no {@code ${VAR}} replaced; or null. */
    Object value(String key) {
        return map.get(key);
    }

    /** Reports every key that is not one of {@code known}, naming those that are. */
    void rejectUnknownKeys(Set<String> known) {
        for (Object key : map.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                problem(
                        String.valueOf(key),
                        "unknown key (known: " + String.join(", ", new TreeSet<>(known)) + ")");
            }
        }
    }

    /**
     * The mapping under {@code key}, or null if the value is absent or not a mapping (unchecked).
     */
    YamlNode mapAt(String key) {
        return map.get(key) instanceof Map<?, ?> child ? child(key, child) : null;
    }

    /** The mapping under {@code key}; null (a problem if required or not a mapping) otherwise. */
    YamlNode map(String key, boolean required) {
        Object value = map.get(key);
        if (value == null) {
            missing(key, required);
            return null;
        }
        if (!(value instanceof Map<?, ?> child)) {
            problem(key, "expected a mapping, got '" + value + "'");
            return null;
        }
        return child(key, child);
    }

    /** {@code value} as the mapping found under {@code key}: its paths continue from this one. */
    YamlNode child(String key, Map<?, ?> value) {
        return new YamlNode(value, path(key) + ".", environment, problems);
    }

    /** A single value as text, {@code ${VAR}} replaced; null if absent or not a single value. */
    String string(String key, boolean required) {
        Object value = map.get(key);
        if (value == null) {
            missing(key, required);
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            problem(key, "expected a single value");
            return null;
        }
        return resolve(key, String.valueOf(value));
    }

    /** A list of single values as text, {@code ${VAR}} replaced; null if absent or malformed. */
    List<String> stringList(String key, boolean required) {
        Object value = map.get(key);
        if (value == null) {
            missing(key, required);
            return null;
        }
        if (!(value instanceof List<?> items)) {
            problem(key, "expected a list like [a, b]");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object item : items) {
            if (item == null || item instanceof Map || item instanceof List) {
                problem(key, "expected a list of single values");
                return null;
            }
            out.add(resolve(key, String.valueOf(item)));
        }
        return out;
    }

    /** A plain SQL identifier ({@link SqlIdentifier}); null if absent or not one. */
    String identifier(String key, boolean required) {
        String value = string(key, required);
        if (value != null && !SqlIdentifier.isValid(value)) {
            problem(key, "not a valid SQL identifier: " + SqlIdentifier.describe(value));
            return null;
        }
        return value;
    }

    /**
     * One plain SQL identifier or a list of distinct ones, as a list; null if absent or not that.
     */
    List<String> identifiers(String key, boolean required) {
        if (!(map.get(key) instanceof List)) {
            String one = identifier(key, required);
            return one == null ? null : List.of(one);
        }
        List<String> names = stringList(key, required);
        if (names == null) {
            return null;
        }
        if (names.isEmpty() || names.size() != names.stream().distinct().count()) {
            problem(key, "expected one column or a list of distinct columns, got " + names);
            return null;
        }
        for (String name : names) {
            if (!SqlIdentifier.isValid(name)) {
                problem(key, "not a valid SQL identifier: " + SqlIdentifier.describe(name));
                return null;
            }
        }
        return List.copyOf(names);
    }

    /**
     * A duration like {@code 500ms}, {@code 1s} or {@code 2min} (Flink's notation, a bare number is
     * milliseconds); {@code fallback} if absent or unreadable.
     */
    Duration duration(String key, Duration fallback) {
        String text = string(key, false);
        if (text == null) {
            return fallback;
        }
        try {
            Duration d = TimeUtils.parseDuration(text);
            if (d.isNegative()) {
                problem(key, "must not be negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(key, "not a duration: '" + text + "' (use e.g. 500ms, 1s, 2min)");
            return fallback;
        }
    }

    /**
     * A whole number of at least {@code min}, written as a YAML number; {@code fallback} if absent
     * or not one. (Not a {@code ${VAR}} reference: that would be text.)
     */
    int wholeNumber(String key, int fallback, int min) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer i) || i < min) {
            problem(key, "must be a whole number ≥ " + min + ", got '" + value + "'");
            return fallback;
        }
        return i;
    }

    /** {@code true} or {@code false} as a YAML boolean; {@code fallback} if absent or not one. */
    boolean bool(String key, boolean fallback) {
        Object value = map.get(key);
        if (value == null) {
            return fallback;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        problem(key, "must be true or false, got '" + value + "'");
        return fallback;
    }

    /**
     * A share written as {@code 5%} (above 0 and up to 100) or a positive count like {@code 500};
     * null if absent (a problem: it is required) or neither.
     *
     * @param whole what the share is of, for the problem line ({@code the rows})
     */
    ShareOrCount shareOrCount(String key, String whole) {
        Object value = map.get(key);
        String text = value == null ? null : String.valueOf(value).trim();
        if (text == null) {
            problem(key, "is required (a share like 5% or a number)");
            return null;
        }
        try {
            if (text.endsWith("%")) {
                double percent = Double.parseDouble(text.substring(0, text.length() - 1).trim());
                if (percent > 0 && percent <= 100) {
                    return new ShareOrCount(percent, null);
                }
            } else {
                int count = Integer.parseInt(text);
                if (count > 0) {
                    return new ShareOrCount(null, count);
                }
            }
        } catch (NumberFormatException e) {
            // reported below, like a number out of range
        }
        problem(
                key,
                "must be a share of "
                        + whole
                        + " above 0% and up to 100% (like 5%) or a positive number, got '"
                        + text
                        + "'");
        return null;
    }

    /**
     * A limit given as a share in percent or as a count: exactly one of them is set.
     *
     * @param percent the share, in (0, 100], or null
     * @param count the count, positive, or null
     */
    record ShareOrCount(Double percent, Integer count) {}

    /** {@code text} as a constant of {@code type}, in any case; null (a problem) if none. */
    <E extends Enum<E>> E enumValue(Class<E> type, String key, String text) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(text)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        problem(key, "unknown value '" + text + "' (use " + String.join(", ", allowed) + ")");
        return null;
    }

    /** A list of constants of {@code type} (unknown ones reported and left out), else fallback. */
    <E extends Enum<E>> Set<E> enumSet(Class<E> type, String key, Set<E> fallback) {
        List<String> names = stringList(key, false);
        if (names == null) {
            return fallback;
        }
        Set<E> out = EnumSet.noneOf(type);
        for (String name : names) {
            E value = enumValue(type, key, name);
            if (value != null) {
                out.add(value);
            }
        }
        return out;
    }

    /**
     * The {@code ${VAR}} references in {@code text} (the value of {@code key}), in order; each
     * variable that is not set is reported. The text itself stays as it is, for values that are
     * resolved only where they are used.
     */
    List<String> references(String key, String text) {
        List<String> references = EnvironmentReferences.names(text);
        for (String variable : references) {
            if (environment.apply(variable) == null) {
                unset(key, variable);
            }
        }
        return references;
    }

    private String resolve(String key, String text) {
        return EnvironmentReferences.resolve(text, environment, variable -> unset(key, variable));
    }

    private void unset(String key, String variable) {
        problem(key, "environment variable " + variable + " is not set");
    }

    private void missing(String key, boolean required) {
        if (required) {
            problem(key, "is missing");
        }
    }
}
