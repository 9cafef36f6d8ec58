package io.bidisync.job.sink;

import java.sql.PreparedStatement;
import java.sql.SQLException;

/**
 * Binds a row's attribute values to consecutive parameters, in the order {@link SqlStatements}
 * names the mapped columns (attributes the system does not map are skipped).
 */
final class ValueBinder {
    private final int[] mappedAttributes;

    ValueBinder(SqlStatements sql) {
        this.mappedAttributes = sql.mappedAttributes();
    }

    /**
     * Binds {@code values} (indexed by attribute) from parameter {@code first} on.
     *
     * @return the next free parameter index
     */
    int bind(PreparedStatement ps, int first, String[] values) throws SQLException {
        int p = first;
        for (int attribute : mappedAttributes) {
            ps.setString(p++, values[attribute]);
        }
        return p;
    }
}
