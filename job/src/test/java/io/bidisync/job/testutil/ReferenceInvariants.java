package io.bidisync.job.testutil;

import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.SqlDialect;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/**
 * The invariant checker's promise for references, read from the databases alone: every reference in
 * every system resolves to the same real entity as the same record's reference in every other
 * system. For each entity type with references and each system, every row's reference is joined to
 * the referenced row there, and both are named by their normalised match keys (the referencing
 * record's and the referenced record's, as the job computes them); then the systems are compared. A
 * reference to a row that is not there (no foreign key to stop it) is a violation too; a record one
 * system lacks is not (the row invariants judge that).
 */
public final class ReferenceInvariants {
    private ReferenceInvariants() {}

    /** What was found: one line per violation. */
    public record Report(List<String> violations, int references) {
        public boolean clean() {
            return violations.isEmpty();
        }

        public Report assertClean() {
            if (!clean()) {
                throw new AssertionError(
                        "reference invariants broken:\n  " + String.join("\n  ", violations));
            }
            return this;
        }
    }

    /** Checks {@code job}'s references in the systems' databases ({@code connections}). */
    public static Report check(JobConfig job, Map<String, Callable<Connection>> connections)
            throws Exception {
        List<String> violations = new ArrayList<>();
        int references = 0;
        for (SyncConfig entity : job.entities()) {
            if (entity.matchesByReference()) {
                // A join table: its records are named by what they point at; its own test
                // compares them.
                continue;
            }
            for (var reference : entity.references().entrySet()) {
                SyncConfig target = job.entity(reference.getValue().entity());
                Map<String, Map<String, String>> bySystem = new LinkedHashMap<>();
                for (SystemConfig system : entity.systems().values()) {
                    try (Connection c = connections.get(system.name()).call()) {
                        bySystem.put(
                                system.name(),
                                pointers(
                                        c,
                                        entity,
                                        system,
                                        reference.getKey(),
                                        target,
                                        target.system(system.name()),
                                        violations));
                    }
                }
                references += bySystem.values().stream().mapToInt(Map::size).sum();
                compare(entity.entity() + "." + reference.getKey(), bySystem, violations);
            }
        }
        return new Report(violations, references);
    }

    /**
     * Per record of {@code entity} in {@code system} (its normalised match key), the normalised
     * match key of the row its reference points at; {@code null} for no reference.
     */
    private static Map<String, String> pointers(
            Connection c,
            SyncConfig entity,
            SystemConfig system,
            String attribute,
            SyncConfig target,
            SystemConfig targetSystem,
            List<String> violations)
            throws SQLException {
        SqlDialect dialect = SqlDialect.of(system);
        List<String> columns = new ArrayList<>();
        for (String key : entity.matchKey().attributes()) {
            columns.add("c." + dialect.quote(system.columns().get(key)));
        }
        String reference = "c." + dialect.quote(system.columns().get(attribute));
        columns.add(reference);
        columns.add("p." + dialect.quote(targetSystem.primaryKey().get(0)));
        for (String key : target.matchKey().attributes()) {
            columns.add("p." + dialect.quote(targetSystem.columns().get(key)));
        }
        String sql =
                "SELECT "
                        + String.join(", ", columns)
                        + " FROM "
                        + dialect.quote(system.table())
                        + " c LEFT JOIN "
                        + dialect.quote(targetSystem.table())
                        + " p ON p."
                        + dialect.quote(targetSystem.primaryKey().get(0))
                        + " = "
                        + reference;
        Map<String, String> out = new TreeMap<>();
        int childParts = entity.matchKey().size();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                String child = key(entity, rs, 1, childParts);
                if (child == null) {
                    continue;
                }
                String id = rs.getString(childParts + 1);
                String parent;
                if (id == null) {
                    parent = null;
                } else if (rs.getString(childParts + 2) == null) {
                    parent = "(no row " + id + ")";
                    violations.add(
                            system.name()
                                    + ": "
                                    + entity.entity()
                                    + " "
                                    + child
                                    + " points at "
                                    + target.entity()
                                    + " "
                                    + id
                                    + ", which is not there");
                } else {
                    parent = key(target, rs, childParts + 3, target.matchKey().size());
                }
                boolean seen = out.containsKey(child);
                String before = out.put(child, parent);
                if (seen && !Objects.equals(before, parent)) {
                    violations.add(
                            system.name()
                                    + ": "
                                    + entity.entity()
                                    + " "
                                    + child
                                    + " is held twice, pointing at "
                                    + before
                                    + " and "
                                    + parent);
                }
            }
        }
        return out;
    }

    /** The normalised match key of the row's {@code parts} columns from {@code first} on. */
    private static String key(SyncConfig config, ResultSet rs, int first, int parts)
            throws SQLException {
        String[] values = new String[config.attributes().size()];
        int[] indexes = config.matchKeyIndexes();
        for (int i = 0; i < parts; i++) {
            values[indexes[i]] = rs.getString(first + i);
        }
        return config.matchKey().of(values, indexes);
    }

    /** A record's references must name the same entity in every system that holds it. */
    private static void compare(
            String reference, Map<String, Map<String, String>> bySystem, List<String> violations) {
        Map<String, String> first = new TreeMap<>();
        Map<String, String> firstSystem = new TreeMap<>();
        bySystem.forEach(
                (system, pointers) ->
                        pointers.forEach(
                                (record, parent) -> {
                                    if (!firstSystem.containsKey(record)) {
                                        firstSystem.put(record, system);
                                        first.put(record, parent);
                                    } else if (!Objects.equals(first.get(record), parent)) {
                                        violations.add(
                                                reference
                                                        + " of "
                                                        + record
                                                        + ": "
                                                        + firstSystem.get(record)
                                                        + " points at "
                                                        + first.get(record)
                                                        + ", "
                                                        + system
                                                        + " at "
                                                        + parent);
                                    }
                                }));
    }
}
