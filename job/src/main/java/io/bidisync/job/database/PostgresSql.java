package io.bidisync.job.database;

import io.bidisync.udfs.normalize.Normalizer;

/**
 * PostgreSQL forms of the {@link Normalizer}s, so the duplicate guard of a conditional INSERT can
 * compare normalised match keys inside the database. Each must produce exactly what the Java
 * normaliser produces for the same value (tested against a real server).
 */
public final class PostgresSql {
    /** The characters {@link Normalizer#WHITESPACE_CHARS} as a PostgreSQL escape string. */
    private static final String WHITESPACE = "E' \\t\\n\\r\\f'";

    private PostgresSql() {}

    /** The SQL expression that normalises the (already quoted) column. */
    public static String normalized(Normalizer normalizer, String quotedColumn) {
        String text = "CAST(" + quotedColumn + " AS text)";
        return switch (normalizer) {
            case EMAIL -> "lower(translate(" + text + ", " + WHITESPACE + ", ''))";
            case PHONE ->
                    "regexp_replace(regexp_replace(btrim("
                            + text
                            + ", "
                            + WHITESPACE
                            + "), '^[+]', '00'), '[^0-9]', '', 'g')";
            case DIGITS -> "regexp_replace(" + text + ", '[^0-9]', '', 'g')";
            case LOWER -> "lower(btrim(" + text + ", " + WHITESPACE + "))";
            case TRIM -> "btrim(" + text + ", " + WHITESPACE + ")";
            case NONE -> quotedColumn;
        };
    }
}
