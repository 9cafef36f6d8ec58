package io.bidisync.job.database;

import io.bidisync.job.config.SqlIdentifier;
import io.bidisync.job.config.TableName;
import io.bidisync.udfs.normalize.CaseMapping;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.types.ValueType;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * PostgreSQL: the CDC source's database, and a write target.
 *
 * <p><b>Normalisers.</b> NFC is {@code normalize(…, NFC)} (PostgreSQL 13 or newer, in a UTF8
 * database); case is mapped by {@code translate} with {@link CaseMapping}'s table, not by {@code
 * lower}, whose result follows the column's collation (Turkish {@code I} → {@code ı}; nothing
 * beyond ASCII under {@code C}) and the server's ICU or C library. Both cost more than {@code
 * lower}, so a value that is all ASCII (hence already NFC) takes {@code lower(… COLLATE "C")},
 * which maps exactly A–Z.
 */
final class PostgresDialect implements SqlDialect {
    /** The characters {@link Normalizer#WHITESPACE_CHARS} as a PostgreSQL escape string. */
    private static final String WHITESPACE = "E' \\t\\n\\r\\f'";

    /** {@link CaseMapping} as a {@code translate} call's last two arguments. */
    private static final String CASE_MAPPING =
            literal(CaseMapping.sources()) + ", " + literal(CaseMapping.targets());

    /** Column types without an equality operator (besides json). */
    private static final Set<String> WITHOUT_EQUALITY =
            Set.of("xml", "point", "polygon", "path", "circle");

    private final JobTableDdl ddl = new PostgresJobTableDdl(this);

    private final CatalogChecks catalog = new PostgresCatalogChecks(this);

    private final Sessions sessions = new PostgresSessions(this);

    PostgresDialect() {}

    @Override
    public String displayName() {
        return "PostgreSQL";
    }

    @Override
    public String quote(String identifier) {
        return SqlIdentifier.quote(identifier);
    }

    @Override
    public String normalized(Normalizer normalizer, String quotedColumn) {
        String text = "CAST(" + quotedColumn + " AS text)";
        return switch (normalizer) {
            case EMAIL ->
                    unicode(
                            text,
                            (nfc, lower) ->
                                    lower.apply("translate(" + nfc + ", " + WHITESPACE + ", '')"));
            // NFC cannot add, remove or move an ASCII digit, a '+' or whitespace.
            case PHONE ->
                    "regexp_replace(regexp_replace(btrim("
                            + text
                            + ", "
                            + WHITESPACE
                            + "), '^[+]', '00'), '[^0-9]', '', 'g')";
            case DIGITS -> "regexp_replace(" + text + ", '[^0-9]', '', 'g')";
            case LOWER ->
                    unicode(
                            text,
                            (nfc, lower) -> lower.apply("btrim(" + nfc + ", " + WHITESPACE + ")"));
            case TRIM -> unicode(text, (nfc, lower) -> "btrim(" + nfc + ", " + WHITESPACE + ")");
            case NONE -> unicode(text, (nfc, lower) -> nfc);
        };
    }

    /**
     * A normaliser's rule over the text in NFC, with its case mapping: for ASCII text the text
     * itself and {@code lower(… COLLATE "C")}, else {@code normalize} and {@code translate}.
     */
    private static String unicode(
            String text, BiFunction<String, UnaryOperator<String>, String> rule) {
        return "CASE WHEN octet_length("
                + text
                + ") = char_length("
                + text
                + ") THEN "
                + rule.apply(text, ascii -> "lower(" + ascii + " COLLATE \"C\")")
                + " ELSE "
                + rule.apply(
                        "normalize(" + text + ", NFC)",
                        any -> "translate(" + any + ", " + CASE_MAPPING + ")")
                + " END";
    }

    /** A string literal of text without backslashes (whatever standard_conforming_strings). */
    private static String literal(String text) {
        return "'" + text.replace("'", "''") + "'";
    }

    /** The form of the key the guard compares with is the key itself. */
    @Override
    public List<String> keyParameters(String normalizedKey) {
        return List.of(normalizedKey);
    }

    @Override
    public String keyEquals(String normalizedExpression) {
        return normalizedExpression + " = ?";
    }

    /**
     * {@code json} compares as {@code jsonb} (by value, as the job does); {@code xml} and the
     * geometric types, which have no equality operator, compare by their text, the parameter read
     * as the column's type first so both are printed alike.
     */
    @Override
    public String notDistinct(String quotedColumn, TableColumns.Column column) {
        String type = column == null ? "" : column.type();
        if (type.equals("json")) {
            return "CAST(" + quotedColumn + " AS jsonb) IS NOT DISTINCT FROM CAST(? AS jsonb)";
        }
        if (WITHOUT_EQUALITY.contains(type)) {
            return "CAST("
                    + quotedColumn
                    + " AS text) IS NOT DISTINCT FROM CAST(CAST(? AS "
                    + type
                    + ") AS text)";
        }
        return quotedColumn + " IS NOT DISTINCT FROM ?";
    }

    /**
     * Text for what the server reads from the canonical form as the column's type (the session
     * binds text untyped: {@code stringtype=unspecified}); dates and times, bytes and arrays bound
     * as such.
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
            ps.setString(parameter, null);
            return;
        }
        switch (type) {
            // java.time values: the driver writes years BC and infinity as the server reads them.
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ ->
                    ps.setObject(parameter, type.toJava(canonical));
            case BYTES -> ps.setBytes(parameter, (byte[]) type.toJava(canonical));
            case TEXT_ARRAY, INTEGER_ARRAY ->
                    ps.setArray(
                            parameter,
                            ps.getConnection()
                                    .createArrayOf(
                                            type == ValueType.TEXT_ARRAY ? "text" : "int8",
                                            (Object[]) type.toJava(canonical)));
            default -> ps.setString(parameter, canonical);
        }
    }

    /**
     * INSERT … SELECT gives untyped parameters type text; cast to the column's base type (without
     * length, so a value too long still fails instead of being cut).
     */
    @Override
    public String insertParameter(TableColumns.Column column) {
        return column == null ? "?" : "CAST(? AS " + column.type() + ")";
    }

    @Override
    public String selectWithoutTable() {
        return "";
    }

    @Override
    public String returning(List<String> quotedPrimaryKey) {
        return " RETURNING " + String.join(", ", quotedPrimaryKey);
    }

    @Override
    public String now() {
        return "now()";
    }

    @Override
    public String upsertWrites(TableName writes) {
        return "INSERT INTO "
                + quote(writes)
                + " ("
                + quoteAll("id", "payload")
                + ") VALUES (?, ?) ON CONFLICT ("
                + quote("id")
                + ") DO UPDATE SET "
                + quote("payload")
                + " = EXCLUDED."
                + quote("payload");
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
