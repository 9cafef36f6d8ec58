package io.bidisync.job.validation;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.CatalogChecks;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.types.StoredType;
import io.bidisync.udfs.types.ValueType;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The types of the attributes the configuration does not declare, taken from the columns the
 * systems map them to: the first column's type that every mapped column holds (a {@code date} in
 * one system and a {@code varchar} in another is a date; {@code timestamptz} and MySQL's {@code
 * datetime} an instant; PostgreSQL's {@code boolean} and MySQL's {@code tinyint(1)} a boolean);
 * text where the columns agree on nothing better, or cannot be read. Read before the checks, which
 * then hold every column to its attribute's type. Also reads what the columns marked lossy store.
 */
public final class TableTypes {
    private TableTypes() {}

    /** What was found: the configuration with the types, and per attribute where it came from. */
    public record Found(SyncConfig config, Map<String, String> sources) {}

    public static Found infer(SyncConfig config) {
        Attributes attributes = config.attributes();
        Map<String, List<ValueType>> columnTypes = new LinkedHashMap<>();
        Map<String, List<String>> columnNames = new LinkedHashMap<>();
        Map<String, SystemConfig> systems = new LinkedHashMap<>();
        for (SystemConfig system : config.systems().values()) {
            TableColumns columns = read(system);
            systems.put(system.name(), withLossy(system, columns));
            if (columns == null) {
                continue;
            }
            SqlDialect dialect = SqlDialect.of(system);
            system.columns()
                    .forEach(
                            (attribute, column) -> {
                                TableColumns.Column c = columns.column(column);
                                ValueType type =
                                        c == null ? null : dialect.catalog().valueType(c.type());
                                if (type != null) {
                                    columnTypes
                                            .computeIfAbsent(attribute, a -> new ArrayList<>())
                                            .add(type);
                                    columnNames
                                            .computeIfAbsent(attribute, a -> new ArrayList<>())
                                            .add(
                                                    system.name()
                                                            + "."
                                                            + column
                                                            + " "
                                                            + c.describe()
                                                            + (system.lossy().containsKey(attribute)
                                                                    ? " lossy"
                                                                    : ""));
                                }
                            });
        }
        List<ValueType> types = new ArrayList<>(attributes.types());
        Map<String, String> sources = new LinkedHashMap<>();
        for (int i = 0; i < attributes.size(); i++) {
            String name = attributes.name(i);
            if (attributes.declared(i)) {
                List<String> mapped = columnNames.getOrDefault(name, List.of());
                sources.put(
                        name,
                        mapped.isEmpty() ? "declared" : "declared; " + String.join(", ", mapped));
            } else {
                types.set(i, common(columnTypes.getOrDefault(name, List.of())));
                sources.put(name, String.join(", ", columnNames.getOrDefault(name, List.of())));
            }
        }
        return new Found(
                config.withAttributes(attributes.withTypes(types)).withSystems(systems), sources);
    }

    /** The system with what its lossy columns store (unread where the table cannot be read). */
    private static SystemConfig withLossy(SystemConfig system, TableColumns columns) {
        if (system.lossy().isEmpty() || columns == null) {
            return system;
        }
        CatalogChecks catalog = SqlDialect.of(system).catalog();
        Map<String, StoredType> stored = new LinkedHashMap<>();
        for (String attribute : system.lossy().keySet()) {
            TableColumns.Column column = columns.column(system.columns().get(attribute));
            stored.put(attribute, column == null ? StoredType.UNREAD : column.stored(catalog));
        }
        return system.withLossy(stored);
    }

    /** The first of the columns' types that every one of them holds; text if none is. */
    static ValueType common(List<ValueType> columns) {
        for (ValueType candidate : columns) {
            if (columns.stream().allMatch(c -> c.holds(candidate))) {
                return candidate;
            }
        }
        return ValueType.TEXT;
    }

    private static TableColumns read(SystemConfig system) {
        try (Connection c = Database.connect(system)) {
            return TableColumns.read(SqlDialect.of(system), c, system.table());
        } catch (SQLException e) {
            // The checks that follow report the connection.
            return null;
        }
    }
}
