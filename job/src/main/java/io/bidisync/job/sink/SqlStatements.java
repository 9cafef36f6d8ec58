package io.bidisync.job.sink;

import io.bidisync.job.config.SqlIdentifier;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.VersionOwner;
import io.bidisync.job.database.PostgresSql;
import io.bidisync.job.database.TableColumns;
import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.normalize.Normalizer;

import java.util.ArrayList;
import java.util.List;

/**
 * The conditional statements for one system's table, in PostgreSQL syntax. Identifiers are quoted;
 * every value is a bound parameter.
 *
 * <ul>
 *   <li>UPDATE applies only if the row still has the version last seen through CDC (or, without a
 *       version column, still has every mapped value last seen): it never overwrites a change the
 *       job has not read.
 *   <li>INSERT applies only if no row with the same normalised match key exists, including rows the
 *       job has not read yet; it returns the new primary key.
 *   <li>DELETE is conditional like UPDATE.
 * </ul>
 */
public final class SqlStatements {
    private final String update;
    private final String insert;
    private final String delete;

    /** Attribute indexes of the mapped columns, in the order they are bound. */
    private final int[] mappedAttributes;

    private final boolean versioned;

    public SqlStatements(
            SystemConfig system,
            ColumnMapping mapping,
            int matchKeyIndex,
            Normalizer matchKeyNormalizer,
            TableColumns columns) {
        String table = system.table().quoted();
        String pk = SqlIdentifier.quote(system.primaryKey());
        List<Integer> attributes = new ArrayList<>();
        List<String> quoted = new ArrayList<>();
        for (int i = 0; i < mapping.attributes().size(); i++) {
            if (mapping.isMapped(i)) {
                attributes.add(i);
                quoted.add(SqlIdentifier.quote(mapping.columnOf(i)));
            }
        }
        this.mappedAttributes = attributes.stream().mapToInt(Integer::intValue).toArray();
        this.versioned = system.hasVersionColumn();
        String version = versioned ? SqlIdentifier.quote(system.versionColumn()) : null;

        String condition = pk + " = ? AND " + rowCondition(version, quoted);
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
        for (int i = 0; i < quoted.size(); i++) {
            // INSERT … SELECT gives untyped parameters type text; cast to the column's base type
            // (without length, so a value too long still fails instead of being cut).
            TableColumns.Column column = columns.column(mapping.columnOf(mappedAttributes[i]));
            insertValues.add(column == null ? "?" : "CAST(? AS " + column.type() + ")");
        }
        if (versioned && system.versionManagedBy() == VersionOwner.JOB) {
            TableColumns.Column column = columns.column(system.versionColumn());
            if (column == null || !column.hasDefault()) {
                insertColumns.add(version);
                insertValues.add("1");
            }
        }
        String keyColumn = SqlIdentifier.quote(mapping.columnOf(matchKeyIndex));
        this.insert =
                "INSERT INTO "
                        + table
                        + " ("
                        + String.join(", ", insertColumns)
                        + ") SELECT "
                        + String.join(", ", insertValues)
                        + " WHERE NOT EXISTS (SELECT 1 FROM "
                        + table
                        + " WHERE "
                        + PostgresSql.normalized(matchKeyNormalizer, keyColumn)
                        + " = ?) RETURNING "
                        + pk;
    }

    private static String rowCondition(String version, List<String> quotedColumns) {
        if (version != null) {
            return version + " IS NOT DISTINCT FROM ?";
        }
        List<String> parts = new ArrayList<>();
        for (String column : quotedColumns) {
            parts.add(column + " IS NOT DISTINCT FROM ?");
        }
        return String.join(" AND ", parts);
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

    /** Attribute indexes of the mapped columns, in the order their values are bound. */
    public int[] mappedAttributes() {
        return mappedAttributes.clone();
    }

    public boolean versioned() {
        return versioned;
    }
}
