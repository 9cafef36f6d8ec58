package io.bidisync.job.config;

import java.io.Serializable;

/** A schema-qualified table name whose parts are valid {@linkplain SqlIdentifier identifiers}. */
public record TableName(String schema, String table) implements Serializable {

    public TableName {
        SqlIdentifier.quote(schema);
        SqlIdentifier.quote(table);
    }

    /** {@code "schema"."table"}, ready to use in SQL. */
    public String quoted() {
        return SqlIdentifier.quote(schema) + "." + SqlIdentifier.quote(table);
    }

    /** {@code schema.table}, as Debezium and the CDC connector name tables. */
    @Override
    public String toString() {
        return schema + "." + table;
    }
}
