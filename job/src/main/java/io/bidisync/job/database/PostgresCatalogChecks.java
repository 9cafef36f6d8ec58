package io.bidisync.job.database;

import io.bidisync.job.config.TableName;
import io.bidisync.udfs.types.ValueType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/** PostgreSQL's catalog: what {@code validate} asks about a table and the guard. */
record PostgresCatalogChecks(PostgresDialect dialect) implements CatalogChecks {
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
    public String columnsSql() {
        // Limits from the type modifier: varchar/bpchar length + 4; numeric (precision << 16 |
        // scale) + 4; time and timestamp types the digits of a second.
        return "SELECT a.attname, format_type(a.atttypid, NULL), a.atthasdef OR a.attidentity <> '', a.attnotnull,"
                + " CASE WHEN a.atttypid IN (1042, 1043) AND a.atttypmod >= 4 THEN a.atttypmod - 4 ELSE -1 END,"
                + " CASE WHEN a.atttypid = 1700 AND a.atttypmod >= 4 THEN (a.atttypmod - 4) & 65535"
                + " WHEN a.atttypid IN (20, 21, 23) THEN 0 ELSE -1 END,"
                + " CASE WHEN a.atttypid IN (1083, 1114, 1184, 1266) AND a.atttypmod BETWEEN 0 AND 5"
                + " THEN a.atttypmod ELSE -1 END"
                + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped";
    }

    @Override
    public ValueType valueType(String columnType) {
        return switch (columnType) {
            case "text", "character varying", "character", "\"char\"", "name", "xml", "citext" ->
                    ValueType.TEXT;
            case "smallint", "integer", "bigint" -> ValueType.INTEGER;
            case "numeric" -> ValueType.DECIMAL;
            case "real", "double precision" -> ValueType.DOUBLE;
            case "boolean" -> ValueType.BOOLEAN;
            case "date" -> ValueType.DATE;
            case "time without time zone", "time with time zone" -> ValueType.TIME;
            case "timestamp without time zone" -> ValueType.TIMESTAMP;
            case "timestamp with time zone" -> ValueType.TIMESTAMPTZ;
            case "interval" -> ValueType.INTERVAL;
            case "uuid" -> ValueType.UUID;
            case "json", "jsonb" -> ValueType.JSON;
            case "bytea" -> ValueType.BYTES;
            case "text[]", "character varying[]", "character[]" -> ValueType.TEXT_ARRAY;
            case "smallint[]", "integer[]", "bigint[]" -> ValueType.INTEGER_ARRAY;
            default -> null;
        };
    }

    @Override
    public List<String> primaryKey(Connection connection, TableName table) throws SQLException {
        String sql =
                "SELECT a.attname FROM pg_index i JOIN pg_class t ON t.oid = i.indrelid"
                        + " JOIN pg_namespace n ON n.oid = t.relnamespace"
                        + " JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY (i.indkey)"
                        + " WHERE i.indisprimary AND n.nspname = ? AND t.relname = ?"
                        + " ORDER BY array_position(CAST(i.indkey AS int2[]), a.attnum)";
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            List<String> columns = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
            return columns;
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
}
