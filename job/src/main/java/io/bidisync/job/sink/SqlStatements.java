package io.bidisync.job.sink;

import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.VersionOwner;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.mapping.PrimaryKey;
import io.bidisync.udfs.normalize.MatchKey;
import io.bidisync.udfs.types.StoredType;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The conditional statements for one system's table, in its database's {@link SqlDialect}.
 * Identifiers are quoted; every value is a bound parameter.
 *
 * <ul>
 *   <li>UPDATE applies only if the row still has the version last seen through CDC (or, without a
 *       version column, still has every mapped value last seen): it never overwrites a change the
 *       job has not read. It finds the row by every primary-key column and never changes them: a
 *       row's key is its identity.
 *   <li>INSERT applies only if no row with the same normalised match key exists, including rows the
 *       job has not read yet (every part of a match key of several attributes). Its new primary key
 *       is the values of the key columns when attributes fill them all, else it comes back as the
 *       statement's generated key (PostgreSQL: {@code RETURNING}, MySQL: the auto-increment value).
 *   <li>DELETE is conditional like UPDATE.
 * </ul>
 */
public final class SqlStatements {
    private final String update;
    private final String insert;
    private final String delete;

    /** Binds the mapped attributes, every one (INSERT, the unversioned condition). */
    private final ValueBinder values;

    /** Binds the mapped attributes an UPDATE sets: all but the key columns'. */
    private final ValueBinder updatedValues;

    /** Binds a row's primary key, part by part. */
    private final KeyBinder key;

    private final MatchKey matchKey;

    /** The match key's attribute indexes where inserts are keyed by their values, else null. */
    private final int[] matchKeyIndexes;

    private final boolean versioned;

    private final SqlDialect dialect;

    public SqlStatements(
            SystemConfig system, ColumnMapping mapping, MatchKey matchKey, TableColumns columns) {
        this(system, mapping, matchKey, false, columns);
    }

    /**
     * @param keyedByValues whether the match key has references, so that an insert's key in the
     *     target is the one of its values ({@link #insertKey})
     */
    public SqlStatements(
            SystemConfig system,
            ColumnMapping mapping,
            MatchKey matchKey,
            boolean keyedByValues,
            TableColumns columns) {
        SqlDialect dialect = SqlDialect.of(system);
        this.dialect = dialect;
        this.matchKey = matchKey;
        this.matchKeyIndexes = keyedByValues ? matchKey.indexes(mapping.attributes()) : null;
        PrimaryKey primaryKey = new PrimaryKey(system.primaryKey(), mapping);
        String table = dialect.quote(system.table());
        List<Integer> mapped = new ArrayList<>();
        List<Integer> updated = new ArrayList<>();
        for (int i = 0; i < mapping.attributes().size(); i++) {
            if (mapping.isMapped(i)) {
                mapped.add(i);
                if (!primaryKey.contains(mapping.columnOf(i))) {
                    updated.add(i);
                }
            }
        }
        StoredType[] stored = system.storedTypes(mapping.attributes());
        this.values = new ValueBinder(dialect, mapping, mapped, stored, columns);
        this.updatedValues = new ValueBinder(dialect, mapping, updated, stored, columns);
        this.key = new KeyBinder(dialect, mapping, primaryKey, columns);
        this.versioned = system.hasVersionColumn();
        String version = versioned ? dialect.quote(system.versionColumn()) : null;

        List<String> keyParts = new ArrayList<>();
        for (String column : primaryKey.columns()) {
            keyParts.add(dialect.quote(column) + " = ?");
        }
        String keyCondition = String.join(" AND ", keyParts);
        String condition;
        if (versioned) {
            condition =
                    keyCondition
                            + " AND "
                            + dialect.notDistinct(version, columns.column(system.versionColumn()));
        } else {
            List<String> parts = new ArrayList<>();
            for (int i : mapped) {
                String column = mapping.columnOf(i);
                parts.add(dialect.notDistinct(dialect.quote(column), columns.column(column)));
            }
            condition = keyCondition + " AND " + String.join(" AND ", parts);
        }
        List<String> sets = new ArrayList<>();
        for (int i : updated) {
            sets.add(dialect.quote(mapping.columnOf(i)) + " = ?");
        }
        if (versioned && system.versionManagedBy() == VersionOwner.JOB) {
            sets.add(version + " = COALESCE(" + version + ", 0) + 1");
        }
        if (sets.isEmpty()) {
            // Every mapped column is a key column: nothing to update, and the job never does
            // (see WriteDecisions), but the statement stays valid SQL.
            String first = dialect.quote(primaryKey.columns().get(0));
            sets.add(first + " = " + first);
        }
        this.update = "UPDATE " + table + " SET " + String.join(", ", sets) + " WHERE " + condition;
        this.delete = "DELETE FROM " + table + " WHERE " + condition;

        List<String> insertColumns = new ArrayList<>();
        List<String> insertValues = new ArrayList<>();
        for (int i : mapped) {
            String column = mapping.columnOf(i);
            insertColumns.add(dialect.quote(column));
            insertValues.add(dialect.insertParameter(columns.column(column)));
        }
        if (versioned && system.versionManagedBy() == VersionOwner.JOB) {
            TableColumns.Column column = columns.column(system.versionColumn());
            if (column == null || !column.hasDefault()) {
                insertColumns.add(version);
                insertValues.add("1");
            }
        }
        List<String> quotedKey = primaryKey.columns().stream().map(dialect::quote).toList();
        this.insert =
                dialect.guardedInsert(
                        table,
                        insertColumns,
                        insertValues,
                        guard(dialect, mapping, matchKey),
                        quotedKey);
    }

    /**
     * A query for every normalised match key in the table, as the INSERT's duplicate guard computes
     * them, one column per part: an insert is blocked when a row has, for every part, one of that
     * part's {@link SqlDialect#keyParameters} (the guard compares exactly). Reads only.
     */
    public static String guardedKeys(
            SystemConfig system, ColumnMapping mapping, MatchKey matchKey) {
        SqlDialect dialect = SqlDialect.of(system);
        return "SELECT "
                + String.join(", ", normalizedParts(dialect, mapping, matchKey))
                + " FROM "
                + dialect.quote(system.table());
    }

    private static String guard(SqlDialect dialect, ColumnMapping mapping, MatchKey matchKey) {
        return normalizedParts(dialect, mapping, matchKey).stream()
                .map(dialect::keyEquals)
                .collect(Collectors.joining(" AND "));
    }

    private static List<String> normalizedParts(
            SqlDialect dialect, ColumnMapping mapping, MatchKey matchKey) {
        List<String> parts = new ArrayList<>();
        for (MatchKey.Part part : matchKey.parts()) {
            String column = mapping.columnOf(mapping.attributes().require(part.attribute()));
            parts.add(dialect.normalized(part.normalizer(), dialect.quote(column)));
        }
        return parts;
    }

    /**
     * The match key an insert has in the target: the golden record's, or where the match key has
     * references (a join table), the one of the values as the target holds them — its own ids of
     * the referenced rows. The duplicate guard looks for it, and the writes table names the insert
     * by it, as the change stream reads the row back.
     */
    String insertKey(WriteIntent intent) {
        return matchKeyIndexes == null
                ? intent.goldenKey()
                : matchKey.of(intent.values(), matchKeyIndexes);
    }

    /** The values the guard's parameters are bound to for an insert, in order. */
    List<String> guardParameters(WriteIntent intent) {
        List<String> out = new ArrayList<>();
        for (String part : matchKey.split(insertKey(intent))) {
            out.addAll(dialect.keyParameters(part));
        }
        return out;
    }

    public String update() {
        return update;
    }

    public String insert() {
        return insert;
    }

    public String delete() {
        return delete;
    }

    /** Binds every mapped attribute's value. */
    ValueBinder values() {
        return values;
    }

    /** Binds the values an UPDATE sets. */
    ValueBinder updatedValues() {
        return updatedValues;
    }

    /** Binds a row's key. */
    KeyBinder key() {
        return key;
    }

    public boolean versioned() {
        return versioned;
    }
}
