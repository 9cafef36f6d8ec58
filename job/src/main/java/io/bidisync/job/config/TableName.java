package io.bidisync.job.config;

import java.io.Serializable;

/**
 * A schema-qualified table name whose parts are valid {@linkplain SqlIdentifier identifiers}. In
 * MySQL/MariaDB the schema is the database. SQL quotes it through the system's {@code SqlDialect}.
 */
public record TableName(String schema, String table) implements Serializable {

    public TableName {
        SqlIdentifier.quote(schema);
        SqlIdentifier.quote(table);
    }

    /** {@code schema.table}, as Debezium and the CDC connector name tables. */
    @Override
    public String toString() {
        return schema + "." + table;
    }
}
