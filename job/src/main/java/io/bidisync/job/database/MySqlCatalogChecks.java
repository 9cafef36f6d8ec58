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
import java.util.Set;

/** MySQL's and MariaDB's catalog: what {@code validate} asks about a table and the guard. */
record MySqlCatalogChecks(MySqlDialect dialect) implements CatalogChecks {
    private static final Set<String> INTEGER_TYPES =
            Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal");

    /** MySQL's error "command denied to user". */
    private static final int COMMAND_DENIED = 1142;

    /** Both servers have the collation and its {@code LOWER}. */
    @Override
    public List<String> guardProblems(Connection connection) {
        return List.of();
    }

    /**
     * From {@code information_schema.columns}: the type is {@code DATA_TYPE} ({@code varchar},
     * {@code int}, …); a column has a default if it has one, is auto-increment or generated.
     */
    @Override
    public String columnsSql() {
        return "SELECT COLUMN_NAME, LOWER(DATA_TYPE),"
                + " COLUMN_DEFAULT IS NOT NULL OR EXTRA LIKE '%auto_increment%'"
                + " OR COALESCE(GENERATION_EXPRESSION, '') <> '',"
                + " IS_NULLABLE = 'NO',"
                + " CASE WHEN DATA_TYPE IN ('char', 'varchar', 'tinytext')"
                + " THEN CHARACTER_MAXIMUM_LENGTH ELSE -1 END,"
                + " CASE WHEN DATA_TYPE IN ('decimal', 'tinyint', 'smallint', 'mediumint', 'int', 'bigint')"
                + " THEN COALESCE(NUMERIC_SCALE, 0) ELSE -1 END,"
                + " CASE WHEN DATA_TYPE IN ('time', 'datetime', 'timestamp') AND DATETIME_PRECISION < 6"
                + " THEN DATETIME_PRECISION ELSE -1 END"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
    }

    @Override
    public ValueType valueType(String columnType) {
        return switch (columnType) {
            case "char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set" ->
                    ValueType.TEXT;
            case "tinyint", "smallint", "mediumint", "int", "integer", "bigint", "bit" ->
                    ValueType.INTEGER;
            case "decimal", "numeric" -> ValueType.DECIMAL;
            case "float", "double", "real" -> ValueType.DOUBLE;
            case "date" -> ValueType.DATE;
            case "time" -> ValueType.TIME;
            case "datetime", "timestamp" -> ValueType.TIMESTAMP;
            case "json" -> ValueType.JSON;
            case "binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob" ->
                    ValueType.BYTES;
            default -> null;
        };
    }

    @Override
    public List<String> primaryKey(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT COLUMN_NAME FROM information_schema.STATISTICS"
                                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'"
                                + " ORDER BY SEQ_IN_INDEX")) {
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

    /**
     * EXPLAIN of a statement that touches no row checks the same privileges as the statement, and
     * runs nothing (error 1142 when a privilege is missing).
     */
    @Override
    public boolean hasPrivilege(
            Connection connection, TableName table, String privilege, String column)
            throws SQLException {
        String t = quote(table);
        String c = quote(column);
        String probe =
                switch (privilege) {
                    case "SELECT" -> "SELECT 1 FROM " + t + " WHERE 1 = 0";
                    case "INSERT" ->
                            "INSERT INTO "
                                    + t
                                    + " ("
                                    + c
                                    + ") SELECT "
                                    + c
                                    + " FROM "
                                    + t
                                    + " WHERE 1 = 0";
                    case "UPDATE" -> "UPDATE " + t + " SET " + c + " = " + c + " WHERE 1 = 0";
                    case "DELETE" -> "DELETE FROM " + t + " WHERE 1 = 0";
                    default -> throw new IllegalArgumentException(privilege);
                };
        // A read-only transaction refuses to EXPLAIN a write, whatever the privileges.
        boolean readOnly = connection.isReadOnly();
        connection.setReadOnly(false);
        try (Statement s = connection.createStatement()) {
            s.executeQuery("EXPLAIN " + probe).close();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == COMMAND_DENIED) {
                return false;
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw e;
            }
            // The server checks privileges first; a later complaint about the probe itself (e.g.
            // a NOT NULL column without default that the probe does not fill) means it passed.
            return true;
        } finally {
            connection.setReadOnly(readOnly);
        }
    }

    @Override
    public boolean isIntegerType(String type) {
        return INTEGER_TYPES.contains(type);
    }

    @Override
    public boolean keyLookupUsesIndex(
            Connection connection, TableName table, String normalizedExpression)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "EXPLAIN SELECT 1 FROM "
                                + quote(table)
                                + " WHERE "
                                + dialect.keyEquals(normalizedExpression))) {
            List<String> key = dialect.keyParameters("x");
            for (int i = 0; i < key.size(); i++) {
                ps.setString(i + 1, key.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString("type");
                    if (type != null && type.equalsIgnoreCase("ALL")) {
                        return false;
                    }
                }
                return true;
            }
        }
    }

    @Override
    public String keyIndexAdvice(TableName table, String column, String normalizedExpression) {
        String name = column + "_bidisync_key";
        String keyColumn = quote(name.length() <= 63 ? name : "bidisync_key");
        return "ALTER TABLE "
                + quote(table)
                + " ADD COLUMN "
                + keyColumn
                + " varbinary(255) AS (CAST("
                + normalizedExpression
                + " AS BINARY)) VIRTUAL, ADD INDEX ("
                + keyColumn
                + ") (MySQL uses such an index for the guard; MariaDB only from 11.8)";
    }

    /** The conditional writes need transactions and InnoDB's row locks. */
    @Override
    public List<String> tableProblems(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT ENGINE FROM information_schema.TABLES"
                                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !"InnoDB".equalsIgnoreCase(rs.getString(1))) {
                    return List.of(
                            "is a "
                                    + rs.getString(1)
                                    + " table; the conditional writes need InnoDB (transactions, row locks)");
                }
            }
        }
        return List.of();
    }
}
