package io.bidisync.job.sink;

import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.udfs.types.ValueType;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Binds a row's attribute values to consecutive parameters, in the order {@link SqlStatements}
 * names the mapped columns (attributes the system does not map are skipped), each as its type.
 */
final class ValueBinder {
    private final SqlDialect dialect;
    private final int[] mappedAttributes;
    private final ValueType[] types;
    private final TableColumns.Column[] columns;

    ValueBinder(SqlStatements sql) {
        this.dialect = sql.dialect();
        this.mappedAttributes = sql.mappedAttributes();
        this.types = sql.mappedTypes();
        this.columns = sql.mappedColumns();
    }

    /**
     * Binds {@code values} (indexed by attribute) from parameter {@code first} on.
     *
     * @return the next free parameter index
     */
    int bind(PreparedStatement ps, int first, String[] values) throws SQLException {
        int p = first;
        for (int i = 0; i < mappedAttributes.length; i++) {
            dialect.bind(ps, p++, types[i], values[mappedAttributes[i]], columns[i]);
        }
        return p;
    }
}
