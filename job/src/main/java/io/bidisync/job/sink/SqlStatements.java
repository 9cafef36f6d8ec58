package io.bidisync.job.sink;

import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.VersionOwner;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.types.ValueType;

import java.util.ArrayList;
import java.util.List;

/**
 * The conditional statements for one system's table, in its database's {@link SqlDialect}.
 * Identifiers are quoted; every value is a bound parameter.
 *
 * <ul>
 *   <li>UPDATE applies only if the row still has the version last seen through CDC (or, without a
 *       version column, still has every mapped value last seen): it never overwrites a change the
 *       job has not read.
 *   <li>INSERT applies only if no row with the same normalised match key exists, including rows the
 *       job has not read yet; its new primary key comes back as the statement's generated key
 *       (PostgreSQL: {@code RETURNING}, MySQL: the auto-increment value).
 *   <li>DELETE is conditional like UPDATE.
 * </ul>
 */
public final class SqlStatements {
    private final String update;
    private final String insert;
    private final String delete;

    /** Attribute indexes of the mapped columns, in the order they are bound. */
    private final int[] mappedAttributes;

    private final ValueType[] mappedTypes;
    private final TableColumns.Column[] mappedColumns;

    private final boolean versioned;

    private final SqlDialect dialect;

    public SqlStatements(
            SystemConfig system,
            ColumnMapping mapping,
            int matchKeyIndex,
            Normalizer matchKeyNormalizer,
            TableColumns columns) {
        SqlDialect dialect = SqlDialect.of(system);
        String table = dialect.quote(system.table());
        String pk = dialect.quote(system.primaryKey());
        List<Integer> attributes = new ArrayList<>();
        List<String> quoted = new ArrayList<>();
        List<TableColumns.Column> described = new ArrayList<>();
        for (int i = 0; i < mapping.attributes().size(); i++) {
            if (mapping.isMapped(i)) {
                attributes.add(i);
                quoted.add(dialect.quote(mapping.columnOf(i)));
                described.add(columns.column(mapping.columnOf(i)));
            }
        }
        this.mappedAttributes = attributes.stream().mapToInt(Integer::intValue).toArray();
        this.mappedTypes =
                attributes.stream()
                        .map(i -> mapping.attributes().type(i))
                        .toArray(ValueType[]::new);
        this.mappedColumns = described.toArray(TableColumns.Column[]::new);
        this.versioned = system.hasVersionColumn();
        String version = versioned ? dialect.quote(system.versionColumn()) : null;

        String condition;
        if (versioned) {
            condition =
                    pk
                            + " = ? AND "
                            + dialect.notDistinct(version, columns.column(system.versionColumn()));
        } else {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < quoted.size(); i++) {
                parts.add(dialect.notDistinct(quoted.get(i), described.get(i)));
            }
            condition = pk + " = ? AND " + String.join(" AND ", parts);
        }
        List<String> sets = new ArrayList<>();
        for (String column : quoted) {
            sets.add(column + " = ?");
        }
        if (versioned && system.versionManagedBy() == VersionOwner.JOB) {
            sets.add(version + " = COALESCE(" + version + ", 0) + 1");
        }
        this.update = "UPDATE " + table + " SET " + String.join(", ", sets) + " WHERE " + condition;
        this.delete = "DELETE FROM " + table + " WHERE " + condition;

        List<String> insertColumns = new ArrayList<>(quoted);
        List<String> insertValues = new ArrayList<>();
        for (TableColumns.Column column : described) {
            insertValues.add(dialect.insertParameter(column));
        }
        if (versioned && system.versionManagedBy() == VersionOwner.JOB) {
            TableColumns.Column column = columns.column(system.versionColumn());
            if (column == null || !column.hasDefault()) {
                insertColumns.add(version);
                insertValues.add("1");
            }
        }
        this.insert =
                dialect.guardedInsert(
                        table,
                        insertColumns,
                        insertValues,
                        guard(dialect, mapping, matchKeyIndex, matchKeyNormalizer),
                        pk);
        this.dialect = dialect;
    }

    /**
     * A query for every normalised match key in the table, as the INSERT's duplicate guard computes
     * them: an insert is blocked when one of its key's {@link SqlDialect#keyParameters} is among
     * them (the guard compares exactly). Reads only.
     */
    public static String guardedKeys(
            SystemConfig system,
            ColumnMapping mapping,
            int matchKeyIndex,
            Normalizer matchKeyNormalizer) {
        SqlDialect dialect = SqlDialect.of(system);
        return "SELECT "
                + normalizedKey(dialect, mapping, matchKeyIndex, matchKeyNormalizer)
                + " FROM "
                + dialect.quote(system.table());
    }

    private static String guard(
            SqlDialect dialect,
            ColumnMapping mapping,
            int matchKeyIndex,
            Normalizer matchKeyNormalizer) {
        return dialect.keyEquals(
                normalizedKey(dialect, mapping, matchKeyIndex, matchKeyNormalizer));
    }

    private static String normalizedKey(
            SqlDialect dialect,
            ColumnMapping mapping,
            int matchKeyIndex,
            Normalizer matchKeyNormalizer) {
        return dialect.normalized(
                matchKeyNormalizer, dialect.quote(mapping.columnOf(matchKeyIndex)));
    }

    /** The dialect the statements are written in. */
    public SqlDialect dialect() {
        return dialect;
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

    /** The types of the mapped attributes, in the order their values are bound. */
    ValueType[] mappedTypes() {
        return mappedTypes.clone();
    }

    /** The mapped columns as the database describes them (null where unknown), in that order. */
    TableColumns.Column[] mappedColumns() {
        return mappedColumns.clone();
    }

    /** Attribute indexes of the mapped columns, in the order their values are bound. */
    public int[] mappedAttributes() {
        return mappedAttributes.clone();
    }

    public boolean versioned() {
        return versioned;
    }
}
