package io.bidisync.job.database;

import io.bidisync.job.config.SqlIdentifier;
import io.bidisync.job.config.TableName;
import io.bidisync.udfs.normalize.CaseMapping;
import io.bidisync.udfs.normalize.Normalizer;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
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

    /** {@code normalize} needs PostgreSQL 13 and a UTF8 database. */
    @Override
    public List<String> guardProblems(Connection connection) throws SQLException {
        List<String> problems = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT current_setting('server_version_num')::int,"
                                        + " current_setting('server_version'),"
                                        + " current_setting('server_encoding')")) {
            rs.next();
            if (rs.getInt(1) < 130000) {
                problems.add(
                        "the server is PostgreSQL "
                                + rs.getString(2)
                                + "; the duplicate guard normalises keys to Unicode NFC"
                                + " (normalize), which needs 13 or newer");
            }
            if (!"UTF8".equals(rs.getString(3))) {
                problems.add(
                        "the database's encoding is "
                                + rs.getString(3)
                                + "; the duplicate guard's Unicode normalisation needs UTF8");
            }
        }
        return problems;
    }

    @Override
    public String keyEquals(String normalizedExpression) {
        return normalizedExpression + " = ?";
    }

    @Override
    public String notDistinct(String quotedColumn, TableColumns.Column column) {
        return quotedColumn + " IS NOT DISTINCT FROM ?";
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
    public String guardedInsert(
            String quotedTable,
            List<String> quotedColumns,
            List<String> values,
            String keyCondition,
            String quotedPrimaryKey) {
        return "INSERT INTO "
                + quotedTable
                + " ("
                + String.join(", ", quotedColumns)
                + ") SELECT "
                + String.join(", ", values)
                + " WHERE NOT EXISTS (SELECT 1 FROM "
                + quotedTable
                + " WHERE "
                + keyCondition
                + ") RETURNING "
                + quotedPrimaryKey;
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
    public String createHeartbeatTable(TableName table) {
        return createTable(
                table, "", "id", "integer PRIMARY KEY", "ts", "timestamptz NOT NULL DEFAULT now()");
    }

    @Override
    public String createWritesTable(TableName table) {
        return createTable(table, "", "id", "integer PRIMARY KEY", "payload", "text NOT NULL");
    }

    @Override
    public String createDeadLetterTable(TableName table) {
        return createTable(
                table,
                "",
                "id",
                "bigserial PRIMARY KEY",
                "at",
                "timestamptz NOT NULL",
                "system",
                "text",
                "key",
                "text",
                "operation",
                "text",
                "reason",
                "text",
                "payload",
                "text");
    }

    @Override
    public String createBreakerTable(TableName table) {
        return createTable(
                table,
                "",
                "system",
                "text PRIMARY KEY",
                "tripped_at",
                "timestamptz",
                "write_limit",
                "bigint",
                "held",
                "bigint",
                "confirmed_at",
                "timestamptz");
    }

    @Override
    public String createHeldWritesTable(TableName table) {
        return createTable(
                table,
                "",
                "seq",
                "bigserial PRIMARY KEY",
                "system",
                "text",
                "golden_id",
                "text",
                "operation",
                "text",
                "row_id",
                "text",
                "expected_version",
                "bigint",
                "expected_values",
                "text",
                "vals",
                "text");
    }

    @Override
    public String columnsSql() {
        return "SELECT a.attname, format_type(a.atttypid, NULL), a.atthasdef OR a.attidentity <> '', a.attnotnull"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped";
    }

    @Override
    public boolean isSinglePrimaryKey(Connection connection, TableName table, String column)
            throws SQLException {
        String sql =
                "SELECT count(*) FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
                        + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                        + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = i.indkey[0]"
                        + " WHERE i.indisprimary AND i.indnkeyatts = 1 AND n.nspname = ? AND t.relname = ? AND a.attname = ?";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            ps.setString(3, column);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }

    @Override
    public boolean hasPrivilege(
            Connection connection, TableName table, String privilege, String column)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT has_table_privilege(CAST(? AS text), CAST(? AS text))")) {
            ps.setString(1, quote(table));
            ps.setString(2, privilege);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    @Override
    public boolean isIntegerType(String type) {
        return List.of("integer", "bigint", "smallint", "numeric").contains(type);
    }

    @Override
    public boolean keyLookupUsesIndex(
            Connection connection, TableName table, String normalizedExpression)
            throws SQLException {
        boolean autoCommit = connection.getAutoCommit();
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("SET LOCAL enable_seqscan = off");
            StringBuilder plan = new StringBuilder();
            try (ResultSet rs =
                    s.executeQuery(
                            "EXPLAIN SELECT 1 FROM "
                                    + quote(table)
                                    + " WHERE "
                                    + normalizedExpression
                                    + " = 'x'")) {
                while (rs.next()) {
                    plan.append(rs.getString(1)).append('\n');
                }
            }
            return plan.toString().contains("Index");
        } finally {
            connection.rollback();
            connection.setAutoCommit(autoCommit);
        }
    }

    @Override
    public String keyIndexAdvice(TableName table, String column, String normalizedExpression) {
        return "CREATE INDEX ON " + quote(table) + " ((" + normalizedExpression + "))";
    }

    @Override
    public List<String> tableProblems(Connection connection, TableName table) {
        return List.of();
    }

    /**
     * Values are bound as untyped text ({@code stringtype=unspecified}), so the server converts
     * them to each column's type: attribute values travel through the job as text.
     */
    @Override
    public Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("stringtype", "unspecified");
        properties.setProperty("ApplicationName", Database.APPLICATION_NAME);
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(url, properties);
    }

    @Override
    public int sessionsWaitingForLock(Connection connection) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity"
                                + " WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            ps.setString(1, Database.APPLICATION_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
