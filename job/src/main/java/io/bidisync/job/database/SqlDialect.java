package io.bidisync.job.database;

import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.TableName;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.types.ValueType;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * The SQL a system's database speaks, chosen by its JDBC URL: {@code jdbc:postgresql:} is {@link
 * #POSTGRES}; {@code jdbc:mariadb:} and {@code jdbc:mysql:} are {@link #MYSQL} (MySQL 8 and
 * MariaDB, both through the MariaDB driver).
 *
 * <p>Everything the writer's statements need that differs between the two lives here: identifier
 * quoting, the SQL forms of the match-key normalisers, null-safe comparison, the guarded INSERT;
 * the job's own tables ({@link #ddl}), the catalog ({@link #catalog}) and sessions ({@link
 * #sessions}) each in a type of their own. Identifiers are checked ({@link
 * io.bidisync.job.config.SqlIdentifier#isValid}) before they are quoted; values are always bound
 * parameters.
 */
public sealed interface SqlDialect permits PostgresDialect, MySqlDialect {
    SqlDialect POSTGRES = new PostgresDialect();

    SqlDialect MYSQL = new MySqlDialect();

    /** The JDBC URL forms the job accepts, for messages. */
    String ACCEPTED_URLS =
            "jdbc:postgresql://host:5432/db, jdbc:mariadb://host:3306/db or jdbc:mysql://host:3306/db";

    /** The dialect of a JDBC URL, or {@code null} if the job cannot write to such a database. */
    static SqlDialect forUrl(String url) {
        if (url == null) {
            return null;
        }
        if (url.startsWith("jdbc:postgresql:")) {
            return POSTGRES;
        }
        if (url.startsWith("jdbc:mariadb:") || url.startsWith("jdbc:mysql:")) {
            return MYSQL;
        }
        return null;
    }

    /** The dialect of a system's database (its URL was checked when the configuration was read). */
    static SqlDialect of(SystemConfig system) {
        SqlDialect dialect = forUrl(system.url());
        if (dialect == null) {
            throw new IllegalArgumentException(
                    "systems." + system.name() + ".connection.url: not one of " + ACCEPTED_URLS);
        }
        return dialect;
    }

    /** A short name for messages: {@code PostgreSQL}, {@code MySQL/MariaDB}. */
    String displayName();

    /** The identifier, quoted; fails if it is not a valid plain identifier. */
    String quote(String identifier);

    /**
     * The table, quoted and qualified: {@code "schema"."table"} in PostgreSQL, {@code
     * `database`.`table`} in MySQL.
     */
    default String quote(TableName table) {
        return quote(table.schema()) + "." + quote(table.table());
    }

    /** The identifiers, each quoted, separated by commas: a column list. */
    default String quoteAll(String... identifiers) {
        return String.join(", ", Arrays.stream(identifiers).map(this::quote).toList());
    }

    /**
     * The SQL expression that normalises the (already quoted) column exactly as {@link
     * Normalizer#normalize} does, whatever the database's locale and the column's collation, except
     * that a blank result is {@code ''} rather than {@code null}. Where the database cannot bring
     * text into Unicode NFC, that holds for text stored in NFC; see {@link #keyParameters}.
     */
    String normalized(Normalizer normalizer, String quotedColumn);

    /**
     * The duplicate guard's condition: the normalised key expression equals one of the parameters
     * {@link #keyParameters} gives for the golden record's normalised key, compared exactly (case,
     * accents and trailing spaces count).
     */
    String keyEquals(String normalizedExpression);

    /**
     * The values {@link #keyEquals}'s parameters are bound to for a normalised key: the forms the
     * SQL form of a row with that key can take.
     */
    List<String> keyParameters(String normalizedKey);

    /**
     * The optimistic-lock comparison of a column with the one parameter, where NULL equals NULL and
     * text compares exactly.
     *
     * @param column the column as the database describes it, or {@code null} if unknown
     */
    String notDistinct(String quotedColumn, TableColumns.Column column);

    /**
     * Binds an attribute's value, in its type's canonical form, to a parameter for the column, so
     * the column receives the value itself (not its text).
     *
     * @param column the column as the database describes it, or {@code null} if unknown
     * @throws java.sql.SQLDataException if the column's database cannot hold the value
     */
    void bind(
            PreparedStatement ps,
            int parameter,
            ValueType type,
            String canonical,
            TableColumns.Column column)
            throws SQLException;

    /** The placeholder of a value inserted into the column ({@code column} may be null). */
    String insertParameter(TableColumns.Column column);

    /**
     * The guarded INSERT: inserts the row only if no row has the same normalised match key. The
     * statement's parameters are the values, then the {@link #keyParameters}; its new primary key
     * comes from {@link java.sql.Statement#getGeneratedKeys()}.
     */
    default String guardedInsert(
            String quotedTable,
            List<String> quotedColumns,
            List<String> values,
            String keyCondition,
            List<String> quotedPrimaryKey) {
        return "INSERT INTO "
                + quotedTable
                + " ("
                + String.join(", ", quotedColumns)
                + ") SELECT "
                + String.join(", ", values)
                + selectWithoutTable()
                + " WHERE NOT EXISTS (SELECT 1 FROM "
                + quotedTable
                + " WHERE "
                + keyCondition
                + ")"
                + returning(quotedPrimaryKey);
    }

    /** What a SELECT of values alone needs before its WHERE ({@code FROM DUAL} in MySQL). */
    String selectWithoutTable();

    /** What makes the INSERT return the new key, if the driver does not ask for it itself. */
    String returning(List<String> quotedPrimaryKey);

    /** The database's own clock, as a timestamp with microseconds. */
    String now();

    /** Upsert of the writes table: parameters are the writer's id and the payload. */
    String upsertWrites(TableName writes);

    /**
     * Whether the error is one no retry can fix, so the records it is about become dead letters
     * rather than the job failing and failing again: class 22 data exception (a value the column
     * cannot hold), class 23 constraint violation, class 42 (a statement the server cannot run with
     * these values, such as a type without the operator) except a missing privilege or table, which
     * a DBA fixes, and class 0A (a feature the server does not have).
     */
    default boolean isDataError(SQLException e) {
        for (SQLException x = e; x != null; x = x.getNextException()) {
            String state = x.getSQLState();
            if (state == null) {
                continue;
            }
            if (state.startsWith("22") || state.startsWith("23") || state.startsWith("0A")) {
                return true;
            }
            if (state.startsWith("42") && !state.equals("42501") && !state.equals("42P01")) {
                return true;
            }
        }
        return false;
    }

    /** The DDL of the job's own tables. */
    JobTableDdl ddl();

    /** What the catalog tells about a table. */
    CatalogChecks catalog();

    /** How sessions are opened. */
    Sessions sessions();
}
