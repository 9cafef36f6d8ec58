package io.bidisync.job.types;

import io.bidisync.udfs.types.ValueType;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * The typed {@code person} table of the round-trip tests: one attribute per type, each system with
 * its own column types for them, and its rows read back as the canonical form of each attribute's
 * type (so two systems compare by value whatever their column types and text formats).
 */
final class TypedPeople {
    private TypedPeople() {}

    /** Attribute → its type in the configuration. */
    static final Map<String, ValueType> TYPES = new LinkedHashMap<>();

    static {
        TYPES.put("email", ValueType.TEXT);
        TYPES.put("born", ValueType.DATE);
        TYPES.put("seen", ValueType.TIMESTAMPTZ);
        TYPES.put("stamp", ValueType.TIMESTAMP);
        TYPES.put("wake", ValueType.TIME);
        TYPES.put("balance", ValueType.DECIMAL);
        TYPES.put("visits", ValueType.INTEGER);
        TYPES.put("score", ValueType.DOUBLE);
        TYPES.put("uid", ValueType.UUID);
        TYPES.put("doc", ValueType.JSON);
        TYPES.put("active", ValueType.BOOLEAN);
        TYPES.put("tags", ValueType.TEXT_ARRAY);
        TYPES.put("nums", ValueType.INTEGER_ARRAY);
        TYPES.put("note", ValueType.TEXT);
        TYPES.put("data", ValueType.BYTES);
        TYPES.put("span", ValueType.INTERVAL);
    }

    /** PostgreSQL column types for the attributes, in attribute order. */
    static final String[] POSTGRES = {
        "text",
        "date",
        "timestamptz",
        "timestamp",
        "time",
        "numeric(12,2)",
        "integer",
        "double precision",
        "uuid",
        "jsonb",
        "boolean",
        "text[]",
        "integer[]",
        "text",
        "bytea",
        "interval"
    };

    /** Ann in PostgreSQL: an ordinary value of every type, with its awkward digits and spaces. */
    static final String ANN =
            insert(
                    "ann@example.com",
                    "'2024-02-29'",
                    "'2024-01-02 03:04:05.123456+00'",
                    "'2024-01-02 03:04:05.123'",
                    "'10:15:30.5'",
                    "12.50",
                    "2147483647",
                    "0.1",
                    "'123e4567-e89b-12d3-a456-426614174000'",
                    "'{\"b\": [1, 2.50], \"a\": {\"y\": true}}'",
                    "true",
                    "ARRAY['a', 'b c', NULL, '']",
                    "ARRAY[1, NULL, -3]",
                    "'  spaced \uD83D\uDE00 emoji  '",
                    "'\\x0001ff'::bytea",
                    "'1 year 2 mons 3 days 04:05:06.5'");

    /** The table with these column types, in attribute order, and a version column. */
    static String table(String id, String suffix, String... columnTypes) {
        List<String> columns = new ArrayList<>();
        int i = 0;
        for (String attribute : TYPES.keySet()) {
            columns.add(attribute + " " + columnTypes[i++]);
        }
        return "CREATE TABLE person ("
                + id
                + ", version integer NOT NULL DEFAULT 1, "
                + String.join(", ", columns)
                + ")"
                + suffix
                + ";";
    }

    /** A person: the e-mail, then each other attribute's SQL literal. */
    static String insert(String email, String... values) {
        return "INSERT INTO person ("
                + String.join(", ", TYPES.keySet())
                + ") VALUES ('"
                + email
                + "', "
                + String.join(", ", values)
                + ");";
    }

    /** The configuration: every attribute with its type, every system mapping it to its column. */
    static String config(String name, Map<String, String> systems) {
        List<String> types = new ArrayList<>();
        List<String> columns = new ArrayList<>();
        TYPES.forEach(
                (attribute, type) -> {
                    types.add(attribute + ": \"" + type.configName() + "\"");
                    columns.add(attribute + ": " + attribute);
                });
        StringBuilder yaml =
                new StringBuilder(
                        """
                        name: %s
                        match-key: { attribute: email, normalize: email }
                        attributes: [%s]
                        types: { %s }
                        completeness: { delay: 200ms }
                        systems:
                        """
                                .formatted(
                                        name,
                                        String.join(", ", TYPES.keySet()),
                                        String.join(", ", types)));
        systems.forEach(
                (system, block) ->
                        yaml.append(
                                """
                                  %s:
                                %s    primary-key: id
                                    version-column: version
                                    columns: { %s }
                                """
                                        .formatted(system, block, String.join(", ", columns))));
        return yaml.toString();
    }

    /**
     * Each person's values as the canonical form of the attribute's type: PostgreSQL's text of
     * every column; MySQL's and MariaDB's text, and the bytes of byte columns.
     */
    static Map<String, Map<String, String>> rows(Connection c, boolean postgres)
            throws SQLException {
        Map<String, Map<String, String>> rows = new TreeMap<>();
        List<String> select = new ArrayList<>();
        TYPES.keySet().forEach(a -> select.add(postgres ? a + "::text" : a));
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT " + String.join(", ", select) + " FROM person")) {
            while (rs.next()) {
                Map<String, String> row = new TreeMap<>();
                int i = 1;
                for (Map.Entry<String, ValueType> a : TYPES.entrySet()) {
                    Object value =
                            !postgres && a.getValue() == ValueType.BYTES
                                    ? rs.getBytes(i++)
                                    : rs.getString(i++);
                    row.put(a.getKey(), a.getValue().canonical(value));
                }
                rows.put(row.get("email"), row);
            }
        }
        return rows;
    }

    /** What differs between two systems' rows, attribute by attribute. */
    static String difference(
            Map<String, Map<String, String>> a, Map<String, Map<String, String>> b) {
        StringBuilder s = new StringBuilder();
        a.forEach(
                (email, row) ->
                        row.forEach(
                                (attribute, value) -> {
                                    Map<String, String> other = b.get(email);
                                    String theirs =
                                            other == null ? "(missing)" : other.get(attribute);
                                    if (!Objects.equals(value, theirs)) {
                                        s.append("\n  ")
                                                .append(email)
                                                .append('.')
                                                .append(attribute)
                                                .append(": ")
                                                .append(abbreviate(value))
                                                .append(" / ")
                                                .append(abbreviate(theirs));
                                    }
                                }));
        b.keySet().stream()
                .filter(email -> !a.containsKey(email))
                .forEach(email -> s.append("\n  ").append(email).append(": (missing) / row"));
        return s.toString();
    }

    private static String abbreviate(String value) {
        return value == null || value.length() < 80 ? value : value.substring(0, 80) + "…";
    }

    /**
     * How often rows were written: every insert counts one and every update adds one to a version
     * (the job increments versions; the tests change rows only as they say).
     */
    static long writes(Connection c) throws SQLException {
        try (Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT COALESCE(SUM(version), 0) + COUNT(*) FROM person")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
