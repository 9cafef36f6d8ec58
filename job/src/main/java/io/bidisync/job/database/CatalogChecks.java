package io.bidisync.job.database;

import io.bidisync.job.config.TableName;
import io.bidisync.udfs.types.ValueType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * What a dialect's catalog tells about a table before the job uses it: its columns, key,
 * privileges, whether the duplicate guard's lookup has an index, and what only this database can
 * get wrong. Asked by {@code validate} and before every start; changes nothing.
 */
public interface CatalogChecks {
    /** The dialect whose quoting this uses. */
    SqlDialect dialect();

    default String quote(String identifier) {
        return dialect().quote(identifier);
    }

    default String quote(TableName table) {
        return dialect().quote(table);
    }

    default String quoteAll(String... identifiers) {
        return dialect().quoteAll(identifiers);
    }

    /**
     * Problems of the database for the duplicate guard's normalised key (a server too old for its
     * functions, an encoding they refuse), each a sentence without the configuration key. Changes
     * nothing.
     */
    List<String> guardProblems(Connection connection) throws SQLException;

    /**
     * The catalog query for a table's columns: parameters schema and table; one row per column with
     * its name, base type, whether it has a default (or is generated), whether it is NOT NULL, and
     * its limits as {@link TableColumns.Column} has them.
     */
    String columnsSql();

    /**
     * The value type a column of this base type (as {@link #columnsSql} names it) holds; {@code
     * null} for a type the job does not know (a user-defined or geometric type), which is not
     * checked.
     */
    ValueType valueType(String columnType);

    /** The columns of the table's primary key, in key order; empty if it has none. */
    List<String> primaryKey(Connection connection, TableName table) throws SQLException;

    /**
     * Whether the current user holds {@code privilege} ({@code SELECT}, {@code INSERT}, {@code
     * UPDATE}, {@code DELETE}) on the table (where privileges can be per column: on {@code
     * column}). Changes nothing.
     */
    boolean hasPrivilege(Connection connection, TableName table, String privilege, String column)
            throws SQLException;

    /** Whether the catalog type name (as {@link TableColumns.Column#type()}) is an integer type. */
    boolean isIntegerType(String type);

    /**
     * Whether an index serves the duplicate guard's lookup {@code keyEquals(expression)} on the
     * table. Changes nothing.
     */
    boolean keyLookupUsesIndex(Connection connection, TableName table, String normalizedExpression)
            throws SQLException;

    /** What to create so that the duplicate guard's lookup can use an index. */
    String keyIndexAdvice(TableName table, String column, String normalizedExpression);

    /**
     * Problems of the table that only this dialect has (e.g. a MySQL table without transactions),
     * each a sentence without the configuration key.
     */
    List<String> tableProblems(Connection connection, TableName table) throws SQLException;
}
