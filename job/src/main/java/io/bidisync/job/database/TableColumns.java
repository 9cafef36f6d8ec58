package io.bidisync.job.database;

import io.bidisync.job.config.TableName;
import io.bidisync.udfs.types.StoredType;
import io.bidisync.udfs.types.ValueType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The columns of one table as the database describes them: base type and whether it has a default.
 */
public final class TableColumns {
    /**
     * A column's base type (without length or precision, as the dialect's catalog names it),
     * whether it has a default, and its limits ({@code -1}: none): characters of a char or varchar,
     * decimal places of a number (0 for integers), digits of a second below six.
     */
    public record Column(
            String type, boolean hasDefault, boolean notNull, int length, int scale, int fraction) {

        /** What the column stores, for its dialect's catalog. */
        public StoredType stored(CatalogChecks catalog) {
            ValueType valueType = catalog.valueType(type);
            return valueType == null
                    ? StoredType.UNREAD
                    : new StoredType(valueType, length, scale, fraction);
        }

        /** The type as a user reads it: {@code character varying(20)}, {@code numeric(·,2)}. */
        public String describe() {
            if (length >= 0) {
                return type + "(" + length + ")";
            }
            if (scale > 0) {
                return type + "(·," + scale + ")";
            }
            return fraction >= 0 ? type + "(" + fraction + ")" : type;
        }
    }

    private final Map<String, Column> columns;

    private TableColumns(Map<String, Column> columns) {
        this.columns = Map.copyOf(columns);
    }

    /** Reads the columns of {@code table}; empty if the table does not exist. */
    public static TableColumns read(SqlDialect dialect, Connection connection, TableName table)
            throws SQLException {
        Map<String, Column> columns = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(dialect.catalog().columnsSql())) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(
                            rs.getString(1),
                            new Column(
                                    rs.getString(2),
                                    rs.getBoolean(3),
                                    rs.getBoolean(4),
                                    rs.getInt(5),
                                    rs.getInt(6),
                                    rs.getInt(7)));
                }
            }
        }
        return new TableColumns(columns);
    }

    /** The column names. */
    public Set<String> names() {
        return columns.keySet();
    }

    public boolean exists() {
        return !columns.isEmpty();
    }

    /** The column, or {@code null} if the table has no such column. */
    public Column column(String name) {
        return columns.get(name);
    }
}
