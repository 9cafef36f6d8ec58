package io.bidisync.job.database;

import io.bidisync.job.config.SqlIdentifier;
import io.bidisync.job.config.TableName;
import io.bidisync.udfs.normalize.CaseMapping;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.types.ValueType;

import java.nio.charset.StandardCharsets;
import java.sql.PreparedStatement;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.sql.Types;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * MySQL 8 and MariaDB (InnoDB), through the MariaDB driver, as write targets. A table's {@code
 * schema} is its database.
 *
 * <p><b>Normalisers.</b> Text is taken as {@code utf8mb4} in collation {@code
 * utf8mb4_unicode_520_ci} (present in both servers), whose {@code LOWER} is exactly the simple
 * lower case of Unicode 5.2 that {@link CaseMapping} holds; the mappings beyond it (final sigma)
 * follow as {@code REPLACE}. Whitespace is exactly {@link Normalizer#WHITESPACE_CHARS}, written as
 * {@code CHAR(9, 10, 12, 13 USING utf8mb4)} so that no backslash escape depends on the session's
 * {@code sql_mode}; the end of the text is {@code (?!.)} under {@code (?s)}, because {@code $} also
 * matches before a final line break.
 *
 * <p><b>NFC.</b> Neither server can normalise Unicode. So the SQL form of a value stored in NFC is
 * the key Java computes, and that of a value stored fully decomposed (NFD) is that key in NFD,
 * because the case mapping and the rules commute with decomposition — except for {@code I} +
 * U+0307, NFD of {@code İ}, which SQL therefore composes before lower-casing. The guard compares
 * with both forms of the key ({@link #keyParameters}). A value stored in neither form (partly
 * decomposed, or with a character NFC replaces by another, like U+037E GREEK QUESTION MARK or a CJK
 * compatibility ideograph) is not recognised.
 *
 * <p><b>Comparisons</b> of text are byte-exact ({@code CAST(… AS BINARY)}): the columns' collations
 * are usually case- and accent-insensitive and ignore trailing spaces, which would let {@code
 * josé@…} block the insert of {@code jose@…}, or hide a change of case from the optimistic lock.
 *
 * <p><b>The guarded INSERT</b> reads the table with InnoDB's locking read (INSERT … SELECT under
 * REPEATABLE READ takes shared next-key locks on what its SELECT reads), so it waits for a row with
 * the same key that another session has inserted but not committed, then sees it and inserts
 * nothing. The job's sessions therefore run in REPEATABLE READ whatever the server's default is (in
 * READ COMMITTED the read would be a snapshot and both rows would land).
 */
final class MySqlDialect implements SqlDialect {
    /** The collation whose case mapping {@code LOWER} uses. */
    private static final String COLLATION = "utf8mb4_unicode_520_ci";

    /** {@link Normalizer#WHITESPACE_CHARS} without backslash escapes. */
    private static final String CONTROL_WHITESPACE = "CHAR(9, 10, 12, 13 USING utf8mb4)";

    /** A run of whitespace characters. */
    private static final String WHITESPACE_RUN = "CONCAT('[ ', " + CONTROL_WHITESPACE + ", ']+')";

    /** Whitespace at the start or at the very end. */
    private static final String EDGE_WHITESPACE =
            "CONCAT('(?s)^[ ', "
                    + CONTROL_WHITESPACE
                    + ", ']+|[ ', "
                    + CONTROL_WHITESPACE
                    + ", ']+(?!.)')";

    /** {@code İ} (U+0130). */
    private static final String DOTTED_CAPITAL_I = "CHAR(0xC4B0 USING utf8mb4)";

    /** {@code I} + U+0307: {@code İ} decomposed. */
    private static final String DECOMPOSED_DOTTED_CAPITAL_I =
            "CONCAT('I', CHAR(0xCC87 USING utf8mb4))";

    private static final Set<String> TEXT_TYPES =
            Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set");

    /**
     * Server errors about the value itself whose SQLState is not of class 22 or 23: data truncated
     * (1265), incorrect value for a column (1366), no default for a NOT NULL column (1364), wrong
     * value for a type (1367, 1411), check constraint (3819 in MySQL).
     */
    private static final Set<Integer> DATA_ERRORS = Set.of(1265, 1364, 1366, 1367, 1411, 3819);

    private final JobTableDdl ddl = new MySqlJobTableDdl(this);

    private final CatalogChecks catalog = new MySqlCatalogChecks(this);

    private final Sessions sessions = new MySqlSessions(this);

    MySqlDialect() {}

    @Override
    public String displayName() {
        return "MySQL/MariaDB";
    }

    @Override
    public String quote(String identifier) {
        if (!SqlIdentifier.isValid(identifier)) {
            // Same check and message as for PostgreSQL.
            SqlIdentifier.quote(identifier);
        }
        return '`' + identifier + '`';
    }

    @Override
    public String normalized(Normalizer normalizer, String quotedColumn) {
        String text = "CONVERT(" + quotedColumn + " USING utf8mb4) COLLATE " + COLLATION;
        return switch (normalizer) {
            case EMAIL -> lower("REGEXP_REPLACE(" + text + ", " + WHITESPACE_RUN + ", '')");
            case PHONE ->
                    "REGEXP_REPLACE(REGEXP_REPLACE("
                            + trim(text)
                            + ", '^[+]', '00'), '[^0-9]+', '')";
            case DIGITS -> "REGEXP_REPLACE(" + text + ", '[^0-9]+', '')";
            case LOWER -> lower(trim(text));
            case TRIM -> trim(text);
            case NONE -> text;
        };
    }

    private static String trim(String text) {
        return "REGEXP_REPLACE(" + text + ", " + EDGE_WHITESPACE + ", '')";
    }

    /** {@link CaseMapping}: {@code LOWER} in the collation, then the mappings beyond it. */
    private static String lower(String text) {
        String lower =
                "LOWER(REPLACE("
                        + text
                        + ", "
                        + DECOMPOSED_DOTTED_CAPITAL_I
                        + ", "
                        + DOTTED_CAPITAL_I
                        + "))";
        for (Map.Entry<String, String> extra : CaseMapping.beyondSimpleLowerCase().entrySet()) {
            lower =
                    "REPLACE("
                            + lower
                            + ", "
                            + utf8mb4(extra.getKey())
                            + ", "
                            + utf8mb4(extra.getValue())
                            + ")";
        }
        return lower;
    }

    /** The text as {@code CHAR(0x… USING utf8mb4)}: its UTF-8 bytes, no literal to escape. */
    private static String utf8mb4(String text) {
        return "CHAR(0x"
                + HexFormat.of().withUpperCase().formatHex(text.getBytes(StandardCharsets.UTF_8))
                + " USING utf8mb4)";
    }

    @Override
    public String keyEquals(String normalizedExpression) {
        return "CAST("
                + normalizedExpression
                + " AS BINARY) IN (CAST(? AS BINARY), CAST(? AS BINARY))";
    }

    /** The key, and the key in NFD: the SQL form of a value stored decomposed. */
    @Override
    public List<String> keyParameters(String normalizedKey) {
        return List.of(
                normalizedKey,
                java.text.Normalizer.normalize(normalizedKey, java.text.Normalizer.Form.NFD));
    }

    @Override
    public String notDistinct(String quotedColumn, TableColumns.Column column) {
        if (column != null && TEXT_TYPES.contains(column.type())) {
            return "CAST(CONVERT("
                    + quotedColumn
                    + " USING utf8mb4) AS BINARY) <=> CAST(? AS BINARY)";
        }
        // Numbers compare as numbers: "2" equals 2, "10.50" equals 10.5.
        return quotedColumn + " <=> ?";
    }

    /**
     * The Java value of the type, so the driver sends it typed: booleans as booleans into {@code
     * tinyint(1)}, instants as UTC date-times (the session's time zone is UTC), UUIDs as 16 bytes
     * into {@code binary(16)}, arrays as JSON text. PostgreSQL's infinite dates and NaN or infinite
     * floating-point numbers have no MySQL equivalent: a data error, so a dead letter.
     */
    @Override
    public void bind(
            PreparedStatement ps,
            int parameter,
            ValueType type,
            String canonical,
            TableColumns.Column column)
            throws SQLException {
        if (canonical == null) {
            ps.setNull(parameter, Types.NULL);
            return;
        }
        switch (type) {
            case DOUBLE -> {
                double d = (Double) type.toJava(canonical);
                if (Double.isNaN(d) || Double.isInfinite(d)) {
                    // The driver would write it into the statement as a name: a syntax error.
                    throw new SQLDataException(
                            "MySQL and MariaDB have no " + canonical + " double", "22003");
                }
                ps.setDouble(parameter, d);
            }
            case INTEGER, DECIMAL, BOOLEAN, TIME, BYTES ->
                    ps.setObject(parameter, type.toJava(canonical));
            case DATE, TIMESTAMP, TIMESTAMPTZ -> {
                if (canonical.endsWith("infinity")) {
                    throw new SQLDataException(
                            "MySQL and MariaDB have no " + canonical + " " + type.configName(),
                            "22008");
                }
                Object value = type.toJava(canonical);
                ps.setObject(
                        parameter,
                        value instanceof OffsetDateTime t
                                ? t.withOffsetSameInstant(ZoneOffset.UTC).toLocalDateTime()
                                : value);
            }
            case UUID -> {
                if (column != null && column.type().startsWith("binary")) {
                    ps.setBytes(parameter, HexFormat.of().parseHex(canonical.replace("-", "")));
                } else {
                    ps.setString(parameter, canonical);
                }
            }
            default -> ps.setString(parameter, canonical);
        }
    }

    /** The server converts a text parameter to the column's type (strict: or fails). */
    @Override
    public String insertParameter(TableColumns.Column column) {
        return "?";
    }

    @Override
    public String selectWithoutTable() {
        return " FROM DUAL";
    }

    @Override
    public String returning(List<String> quotedPrimaryKey) {
        return "";
    }

    @Override
    public String now() {
        return "CURRENT_TIMESTAMP(6)";
    }

    /** {@code VALUES(col)} rather than MySQL 8's row alias, which MariaDB does not know. */
    @Override
    public String upsertWrites(TableName writes) {
        return "INSERT INTO "
                + quote(writes)
                + " ("
                + quoteAll("id", "payload")
                + ") VALUES (?, ?) ON DUPLICATE KEY UPDATE "
                + quote("payload")
                + " = VALUES("
                + quote("payload")
                + ")";
    }

    @Override
    public boolean isDataError(SQLException e) {
        if (SqlDialect.super.isDataError(e)) {
            return true;
        }
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (DATA_ERRORS.contains(x.getErrorCode())) {
                return true;
            }
        }
        return false;
    }

    @Override
    public JobTableDdl ddl() {
        return ddl;
    }

    @Override
    public CatalogChecks catalog() {
        return catalog;
    }

    @Override
    public Sessions sessions() {
        return sessions;
    }
}
