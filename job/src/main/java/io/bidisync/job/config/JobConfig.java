package io.bidisync.job.config;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One configuration file: the entity types one job syncs, each as a {@link SyncConfig}, with
 * referenced entity types before the ones that reference them. A file of today's shape (no {@code
 * entities:}) is a job of one entity type whose {@link SyncConfig#entity()} is {@code null}.
 *
 * @param name the sync's name: part of replication slot and publication names, shared by all entity
 *     types (one slot and one publication per system)
 * @param entities the entity types, referenced ones first
 */
public record JobConfig(String name, List<SyncConfig> entities) implements Serializable {

    /** The job of a file with one entity type. */
    public static JobConfig of(SyncConfig config) {
        return new JobConfig(config.name(), List.of(config));
    }

    /** Whether the file declares entity types ({@code entities:}), rather than being one. */
    public boolean hasEntityTypes() {
        return entities.get(0).entity() != null;
    }

    public SyncConfig entity(String entity) {
        for (SyncConfig config : entities) {
            if (entity.equals(config.entity())) {
                return config;
            }
        }
        throw new IllegalArgumentException("unknown entity type " + entity);
    }

    /**
     * Every system, by name in configuration order, as the first entity type holding a table there
     * sees it: its connection, source and write settings are shared by all entity types.
     */
    public Map<String, SystemConfig> systems() {
        Map<String, SystemConfig> systems = new LinkedHashMap<>();
        for (SyncConfig entity : entities) {
            entity.systems().forEach(systems::putIfAbsent);
        }
        return systems;
    }

    /** The entity types with a table in {@code system}, in job order. */
    public List<SyncConfig> entitiesIn(String system) {
        List<SyncConfig> in = new ArrayList<>();
        for (SyncConfig entity : entities) {
            if (entity.systems().containsKey(system)) {
                in.add(entity);
            }
        }
        return in;
    }

    /** The job with each entity type replaced by {@code change} of it. */
    public JobConfig map(java.util.function.UnaryOperator<SyncConfig> change) {
        return new JobConfig(name, entities.stream().map(change).toList());
    }
}
