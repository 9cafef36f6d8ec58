package io.bidisync.job.sink;

import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.types.StoredType;
import io.bidisync.udfs.types.ValueType;

import java.sql.PreparedStatement;
import java.sql.SQLDataException;
import java.sql.SQLException;
import java.util.List;

/**
 * Binds a row's attribute values to consecutive parameters, in the order {@link SqlStatements}
 * names their columns (attributes the statement does not name are skipped), each as its type — or,
 * for a lossy mapping, as the column stores it.
 */
final class ValueBinder {
    private final SqlDialect dialect;
    private final int[] attributes;
    private final ValueType[] types;
    private final TableColumns.Column[] columns;

    /** What a lossy column stores; {@code null} for the others. */
    private final StoredType[] stored;

    /**
     * @param attributes the attribute indexes the statement names, in order
     * @param stored per attribute index, what a lossy column stores ({@code null} elsewhere)
     * @param described the table's columns as the database describes them
     */
    ValueBinder(
            SqlDialect dialect,
            ColumnMapping mapping,
            List<Integer> attributes,
            StoredType[] stored,
            TableColumns described) {
        this.dialect = dialect;
        this.attributes = attributes.stream().mapToInt(Integer::intValue).toArray();
        this.types = new ValueType[this.attributes.length];
        this.columns = new TableColumns.Column[this.attributes.length];
        this.stored = new StoredType[this.attributes.length];
        for (int i = 0; i < this.attributes.length; i++) {
            types[i] = mapping.attributes().type(this.attributes[i]);
            columns[i] = described.column(mapping.columnOf(this.attributes[i]));
            StoredType column = stored[this.attributes[i]];
            this.stored[i] = column == null || column.type() == null ? null : column;
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
            String value = values[attributes[i]];
            if (stored[i] == null) {
                dialect.bind(ps, p++, types[i], value, columns[i]);
                continue;
            }
            try {
                // A lossy mapping: the value as the column stores it, so it comes back unchanged.
                value = stored[i].write(types[i], value);
            } catch (IllegalArgumentException e) {
                throw new SQLDataException(
                        "the column cannot store this "
                                + types[i].configName()
                                + " value: "
                                + e.getMessage(),
                        "22000");
            }
            dialect.bind(ps, p++, stored[i].type(), value, columns[i]);
        }
        return p;
    }
}
