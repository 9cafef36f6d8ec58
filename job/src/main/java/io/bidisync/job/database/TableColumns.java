package io.bidisync.job.database;

import io.bidisync.job.config.TableName;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;
import java.util.Set;

/**
 * The columns of one table as the database describes them: base type and whether it has a default.
 */
public final class TableColumns {
    /**
     * A column's base type (without length or precision, as the dialect's catalog names it) and
     * whether it has a default.
     */
    public record Column(String type, boolean hasDefault, boolean notNull) {}

    private final Map<String, Column> columns;

    TableColumns(Map<String, Column> columns) {
        this.columns = Map.copyOf(columns);
    }

    /** Reads the columns of {@code table}; empty if the table does not exist. */
    public static TableColumns read(SqlDialect dialect, Connection connection, TableName table)
            throws SQLException {
        return dialect.readColumns(connection, table);
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
