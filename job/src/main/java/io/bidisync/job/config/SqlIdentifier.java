package io.bidisync.job.config;

import java.util.regex.Pattern;

/**
 * SQL identifiers (schemas, tables, columns) come from configuration, so they are checked against a
 * strict pattern when the configuration is read and always quoted when SQL is built. Values never
 * become SQL text: they are bound parameters.
 */
public final class SqlIdentifier {
    private static final Pattern VALID = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,62}");

    private SqlIdentifier() {}

    /**
     * Whether {@code name} is a plain identifier: a letter or underscore, then letters, digits,
     * underscores; at most 63 characters.
     */
    public static boolean isValid(String name) {
        return name != null && VALID.matcher(name).matches();
    }

    /** The identifier in double quotes; fails if it is not {@linkplain #isValid valid}. */
    public static String quote(String name) {
        if (!isValid(name)) {
            throw new IllegalArgumentException("not a valid SQL identifier: " + describe(name));
        }
        return '"' + name + '"';
    }

    /** A printable form of a rejected identifier for error messages. */
    static String describe(String name) {
        if (name == null) {
            return "null";
        }
        String shown = name.length() > 40 ? name.substring(0, 40) + "…" : name;
        return "'" + shown.replaceAll("\\p{Cntrl}", "?") + "'";
    }
}
