package io.bidisync.job.upgrade;

import io.bidisync.job.config.ConfigException;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.upgrade.JobShape.SystemShape;

import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How a run continues the state it starts from: the shape it will keep ({@link JobShape}), and per
 * system which attributes its source reads again.
 *
 * <p>Compatible with a savepoint's state: the same attributes with more appended, the same match
 * key, systems added, and systems mapping more attributes. A system that maps more is read again by
 * a fresh source (a snapshot, then its log from where its slot stands), under a new uid: the
 * identity stage takes the newly mapped values from that snapshot as values older than the job, and
 * everything else from the log. Anything else would make the state mean something else — values
 * stored by position under another attribute, golden records keyed by another key, links to a
 * system that is gone — and is refused before the job starts, one line per problem.
 *
 * @param shape the shape this run keeps in its checkpoints
 * @param reread per system whose source starts afresh, the attributes (by index) it maps newly
 */
public record Upgrade(JobShape shape, Map<String, boolean[]> reread) implements Serializable {

    /**
     * How a run on {@code env} continues: from the savepoint or checkpoint it is to restore ({@code
     * execution.savepoint.path}, as {@code flink run -s} sets it), or without state.
     *
     * @throws ConfigException when the configuration does not fit that state, or it cannot be read
     */
    public static Upgrade of(SyncConfig config, StreamExecutionEnvironment env)
            throws ConfigException {
        String savepoint = env.getConfiguration().get(StateRecoveryOptions.SAVEPOINT_PATH);
        if (savepoint == null) {
            return fresh(config);
        }
        JobShape saved;
        try {
            saved = SavedShape.read(savepoint, config.scoped(SavedShape.OPERATOR_UID));
        } catch (IOException e) {
            throw new ConfigException(
                    List.of("savepoint " + savepoint + ": cannot be read: " + e.getMessage()));
        }
        return from(config, saved, savepoint);
    }

    /**
     * How each entity type of {@code job} continues (in job order). A job of several entity types
     * shares one source per system, so none of them can be read again for one entity type alone.
     *
     * @throws ConfigException when the configuration does not fit that state
     */
    public static List<Upgrade> of(JobConfig job, StreamExecutionEnvironment env)
            throws ConfigException {
        List<Upgrade> upgrades = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        for (SyncConfig entity : job.entities()) {
            try {
                Upgrade upgrade = of(entity, env);
                if (job.hasEntityTypes() && upgrade.rereads()) {
                    problems.add(
                            "entities."
                                    + entity.entity()
                                    + ": a table that maps more columns is read again by its"
                                    + " system's source, which the other entity types share; in a"
                                    + " file of several entity types this needs a start without"
                                    + " the savepoint");
                }
                upgrades.add(upgrade);
            } catch (ConfigException e) {
                e.problems()
                        .forEach(
                                p ->
                                        problems.add(
                                                job.hasEntityTypes()
                                                        ? "entities." + entity.entity() + ": " + p
                                                        : p));
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return upgrades;
    }

    /** A start without state. */
    public static Upgrade fresh(SyncConfig config) {
        return new Upgrade(JobShape.of(config), Map.of());
    }

    /**
     * A start from the state of {@code savepoint}, whose shape is {@code saved} ({@code null} when
     * it records none: written by a build from before shapes were recorded).
     *
     * @throws ConfigException when the configuration does not fit the saved state
     */
    public static Upgrade from(SyncConfig config, JobShape saved, String savepoint)
            throws ConfigException {
        String from = "savepoint " + savepoint + ": ";
        if (saved == null) {
            throw new ConfigException(
                    List.of(
                            from
                                    + "written by a bidisync build from before 2026-12-06, whose"
                                    + " state this build cannot continue (record identities that"
                                    + " expire, snapshot reads without their time); start without"
                                    + " it: a new initial sync reads every system again and"
                                    + " creates nothing twice"));
        }
        if (saved.layout() != JobShape.LAYOUT) {
            throw new ConfigException(
                    List.of(
                            from
                                    + "its state has layout "
                                    + saved.layout()
                                    + ", this build keeps layout "
                                    + JobShape.LAYOUT
                                    + "; start without it (a new initial sync creates nothing"
                                    + " twice)"));
        }
        List<String> problems = new ArrayList<>();
        List<String> attributes = config.attributes().names();
        List<String> before = saved.attributes();
        if (attributes.size() < before.size()
                || !attributes.subList(0, before.size()).equals(before)) {
            problems.add(
                    from
                            + "attributes: the state holds values of "
                            + before
                            + "; attributes may only be appended to that list, not removed,"
                            + " renamed or reordered (this configuration has "
                            + attributes
                            + ")");
        }
        if (!JobShape.matchKeyOf(config).equals(saved.matchKey())
                || !JobShape.normalizersOf(config).equals(saved.normalizer())) {
            problems.add(
                    from
                            + "match-key: the golden records are keyed by "
                            + saved.matchKey()
                            + " normalised as "
                            + saved.normalizer()
                            + "; another match key needs a start without the savepoint");
        }
        Map<String, SystemShape> systems = new LinkedHashMap<>();
        Map<String, boolean[]> reread = new LinkedHashMap<>();
        for (String name : saved.systems().keySet()) {
            if (!config.systems().containsKey(name)) {
                problems.add(
                        from
                                + "systems."
                                + name
                                + ": its rows are linked to golden records in the state; a system"
                                + " cannot be removed from a running sync");
            }
        }
        for (SystemConfig system : config.systems().values()) {
            List<String> mapped = JobShape.mapped(config, system);
            SystemShape old = saved.systems().get(system.name());
            if (old == null) {
                systems.put(system.name(), new SystemShape(mapped, 0));
                continue;
            }
            if (!mapped.containsAll(old.attributes())) {
                List<String> dropped = new ArrayList<>(old.attributes());
                dropped.removeAll(mapped);
                problems.add(
                        from
                                + "systems."
                                + system.name()
                                + ".columns: no longer maps "
                                + dropped
                                + ", whose values the state holds; a system may map more"
                                + " attributes, not fewer");
                continue;
            }
            boolean grew = mapped.size() > old.attributes().size();
            // A system behind a Debezium topic cannot be read again by the job: its rows bring
            // the new values with their next change.
            boolean again = grew && system.readByCdc();
            systems.put(
                    system.name(),
                    new SystemShape(mapped, old.sourceGeneration() + (again ? 1 : 0)));
            if (again) {
                boolean[] fresh = new boolean[attributes.size()];
                for (String attribute : mapped) {
                    fresh[attributes.indexOf(attribute)] = !old.attributes().contains(attribute);
                }
                reread.put(system.name(), fresh);
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new Upgrade(
                new JobShape(
                        JobShape.LAYOUT,
                        List.copyOf(attributes),
                        saved.matchKey(),
                        saved.normalizer(),
                        systems),
                reread);
    }

    /**
     * The uid of a system's source: a source started afresh gets a new one, so that the state of
     * the one it replaces is not restored into it.
     */
    public String sourceUid(String system) {
        SystemShape s = shape.systems().get(system);
        int generation = s == null ? 0 : s.sourceGeneration();
        return "source-" + system + (generation == 0 ? "" : "-" + generation);
    }

    /** Whether a source starts afresh, leaving the state of the one it replaces unclaimed. */
    public boolean rereads() {
        return !reread.isEmpty();
    }
}
