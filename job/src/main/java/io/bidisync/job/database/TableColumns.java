package io.bidisync.job.database;

import io.bidisync.job.config.TableName;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * The columns of one table as the database describes them: base type and whether it has a default.
 */
public final class TableColumns {
    /** A column's base type (without length or precision) and whether it has a default. */
    public record Column(String type, boolean hasDefault, boolean notNull) {}

    private final Map<String, Column> columns;

    private TableColumns(Map<String, Column> columns) {
        this.columns = columns;
    }

    /** Reads the columns of {@code table}; empty if the table does not exist. */
    public static TableColumns read(Connection connection, TableName table) throws SQLException {
        String sql =
                "SELECT a.attname, format_type(a.atttypid, NULL), a.atthasdef OR a.attidentity <> '', a.attnotnull"
                        + " FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid"
                        + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                        + " WHERE n.nspname = ? AND c.relname = ? AND a.attnum > 0 AND NOT a.attisdropped";
        Map<String, Column> columns = new HashMap<>();
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.put(
                            rs.getString(1),
                            new Column(rs.getString(2), rs.getBoolean(3), rs.getBoolean(4)));
                }
            }
        }
        return new TableColumns(columns);
    }

    /** The column names. */
    public java.util.Set<String> names() {
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
