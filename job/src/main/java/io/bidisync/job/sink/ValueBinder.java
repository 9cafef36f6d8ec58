package io.bidisync.job.sink;

import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.types.ValueType;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;

/**
 * Binds a row's attribute values to consecutive parameters, in the order {@link SqlStatements}
 * names their columns (attributes the statement does not name are skipped), each as its type.
 */
final class ValueBinder {
    private final SqlDialect dialect;
    private final int[] attributes;
    private final ValueType[] types;
    private final TableColumns.Column[] columns;

    /**
     * @param attributes the attribute indexes the statement names, in order
     * @param described the table's columns as the database describes them
     */
    ValueBinder(
            SqlDialect dialect,
            ColumnMapping mapping,
            List<Integer> attributes,
            TableColumns described) {
        this.dialect = dialect;
        this.attributes = attributes.stream().mapToInt(Integer::intValue).toArray();
        this.types = new ValueType[this.attributes.length];
        this.columns = new TableColumns.Column[this.attributes.length];
        for (int i = 0; i < this.attributes.length; i++) {
            types[i] = mapping.attributes().type(this.attributes[i]);
            columns[i] = described.column(mapping.columnOf(this.attributes[i]));
        }
    }

    /**
     * Binds {@code values} (indexed by attribute) from parameter {@code first} on.
     *
     * @return the next free parameter index
     */
    int bind(PreparedStatement ps, int first, String[] values) throws SQLException {
        int p = first;
        for (int i = 0; i < attributes.length; i++) {
            dialect.bind(ps, p++, types[i], values[attributes[i]], columns[i]);
        }
        return p;
    }
}
