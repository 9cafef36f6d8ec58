package io.bidisync.job.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads a file of several entity types ({@code entities:}) into a {@link JobConfig}.
 *
 * <p>Each entity type is read as a file of one entity type would be: its own model keys, the file's
 * shared sections, and per system the shared settings ({@code systems.crm}: connection, source,
 * write, deletes) with its table's settings on top ({@code entities.contacts.tables.crm}). Problems
 * are reported under the keys the user wrote, once each.
 */
final class EntitiesReader {
    /** Top-level keys of a file of several entity types. */
    static final Set<String> TOP_KEYS =
            Set.of(
                    "name",
                    "survivorship",
                    "completeness",
                    "writer",
                    "loop-breaker",
                    "dead-letters",
                    "audit",
                    "safety",
                    "systems",
                    "entities");

    /** What an entity type declares; the model keys are a file of one entity type's. */
    static final Set<String> ENTITY_KEYS =
            Set.of(
                    "match-key",
                    "attributes",
                    "types",
                    "survivorship",
                    "compare",
                    "deletes",
                    "golden-output",
                    "references",
                    "tables");

    /** What an entity type's table in one system declares. */
    static final Set<String> TABLE_KEYS =
            Set.of(
                    "table",
                    "primary-key",
                    "version-column",
                    "version-managed-by",
                    "columns",
                    "lossy",
                    "write",
                    "deletes");

    static final Set<String> REFERENCE_KEYS = Set.of("entity", "wait", "unresolved");

    /** What a system declares in a file of several entity types: its tables are the entities'. */
    static final Set<String> SHARED_SYSTEM_KEYS =
            Set.of("connection", "source", "write", "deletes", "create-publication");

    /** How long a reference waits by default before it is reported unresolved. */
    static final Duration DEFAULT_REFERENCE_WAIT = Duration.ofMinutes(5);

    private EntitiesReader() {}

    static JobConfig read(Map<?, ?> root, Function<String, String> environment)
            throws ConfigException {
        Problems problems = new Problems();
        YamlNode file = YamlNode.root(root, environment, problems);
        file.rejectUnknownKeys(TOP_KEYS);
        if (file.has("safety")) {
            // Its state and held writes are kept per system in the system's database.
            file.problem(
                    "safety",
                    "the mass-change breaker keeps one state per system and takes a file of one"
                            + " entity type for now");
        }
        YamlNode entities = file.map("entities", true);
        YamlNode systems = file.map("systems", true);
        if (systems != null) {
            for (Map.Entry<?, ?> e : systems.entries()) {
                if (e.getValue() instanceof Map<?, ?> system) {
                    systems.child(String.valueOf(e.getKey()), system)
                            .rejectUnknownKeys(SHARED_SYSTEM_KEYS);
                }
            }
        }
        Set<String> lines = new LinkedHashSet<>();
        Map<String, SyncConfig> read = new LinkedHashMap<>();
        if (entities != null && systems != null) {
            for (Map.Entry<?, ?> e : entities.entries()) {
                String entity = String.valueOf(e.getKey());
                SyncConfig config = entity(root, systems, environment, entity, e.getValue(), lines);
                if (config != null) {
                    read.put(entity, config);
                }
            }
        }
        collect(problems, lines);
        sharedSchemas(read, problems);
        List<SyncConfig> ordered = referencesFirst(entities, read, problems);
        problems.throwIfAny();
        return new JobConfig(ordered.get(0).name(), ordered);
    }

    private static SyncConfig entity(
            Map<?, ?> root,
            YamlNode systems,
            Function<String, String> environment,
            String entity,
            Object value,
            Set<String> lines) {
        String at = "entities." + entity;
        if (!SqlIdentifier.isValid(entity)) {
            lines.add(at + ": entity type names must be letters, digits and '_'");
            return null;
        }
        if (!(value instanceof Map<?, ?> declared)) {
            lines.add(at + ": expected a mapping with match-key, attributes and tables");
            return null;
        }
        Problems own = new Problems();
        YamlNode node = YamlNode.root(declared, environment, own);
        node.rejectUnknownKeys(ENTITY_KEYS);

        Map<String, Object> single = new LinkedHashMap<>();
        root.forEach(
                (k, v) -> {
                    if (!"entities".equals(k)) {
                        single.put(String.valueOf(k), v);
                    }
                });
        for (String key : List.of("match-key", "attributes", "types", "survivorship", "compare")) {
            if (declared.containsKey(key)) {
                single.put(key, declared.get(key));
            }
        }
        if (declared.containsKey("golden-output")) {
            single.put("golden-output", declared.get("golden-output"));
        }
        Map<String, Object> tables = new LinkedHashMap<>();
        Object tablesValue = declared.get("tables");
        if (!(tablesValue instanceof Map<?, ?> tableMap) || tableMap.isEmpty()) {
            lines.add(at + ".tables: must map at least one system to its table");
        } else {
            tableMap.forEach(
                    (system, table) -> {
                        Object shared = systems.value(String.valueOf(system));
                        if (!systems.has(String.valueOf(system))) {
                            lines.add(at + ".tables." + system + ": no such system in systems");
                            return;
                        }
                        if (!(table instanceof Map<?, ?> tableSettings)) {
                            lines.add(
                                    at
                                            + ".tables."
                                            + system
                                            + ": expected a mapping with table, primary-key and"
                                            + " columns");
                            return;
                        }
                        node.child("tables", Map.of())
                                .child(String.valueOf(system), tableSettings)
                                .rejectUnknownKeys(TABLE_KEYS);
                        Map<String, Object> merged = new LinkedHashMap<>();
                        if (shared instanceof Map<?, ?> sharedMap) {
                            sharedMap.forEach((k, v) -> merged.put(String.valueOf(k), v));
                        }
                        if (declared.containsKey("deletes")) {
                            merged.put("deletes", declared.get("deletes"));
                        }
                        tableSettings.forEach(
                                (k, v) -> {
                                    if (TABLE_KEYS.contains(String.valueOf(k))) {
                                        merged.put(String.valueOf(k), v);
                                    }
                                });
                        tables.put(String.valueOf(system), merged);
                    });
        }
        single.put("systems", tables);
        SyncConfig config = null;
        try {
            config = ConfigLoader.parse(single, environment);
        } catch (ConfigException e) {
            for (String line : e.problems()) {
                lines.add(located(line, entity, declared, tables));
            }
        }
        Map<String, SyncConfig.Reference> references =
                config == null ? Map.of() : references(node, config);
        for (String line : own.lines()) {
            lines.add(at + "." + line);
        }
        return config == null || own.count() > 0 ? null : config.asEntity(entity, references);
    }

    /** {@code references}: attribute → entity type, or → {entity, wait, unresolved}. */
    private static Map<String, SyncConfig.Reference> references(
            YamlNode entity, SyncConfig config) {
        Map<String, SyncConfig.Reference> out = new LinkedHashMap<>();
        YamlNode refs = entity.map("references", false);
        if (refs == null) {
            return out;
        }
        for (Map.Entry<?, ?> e : refs.entries()) {
            String attribute = String.valueOf(e.getKey());
            if (!config.attributes().names().contains(attribute)) {
                refs.problem(
                        attribute, "is not one of the attributes " + config.attributes().names());
                continue;
            }
            for (SystemConfig system : config.systems().values()) {
                if (system.lossy().containsKey(attribute)) {
                    refs.problem(
                            attribute,
                            "a reference holds a key, which no column may hold less of; it cannot be"
                                    + " lossy in "
                                    + system.name());
                }
            }
            String target;
            Duration wait = DEFAULT_REFERENCE_WAIT;
            boolean writeNull = false;
            if (e.getValue() instanceof Map<?, ?> map) {
                YamlNode ref = refs.child(attribute, map);
                ref.rejectUnknownKeys(REFERENCE_KEYS);
                target = ref.string("entity", true);
                wait = ref.duration("wait", DEFAULT_REFERENCE_WAIT);
                // YAML reads a bare null as no value: both spellings mean NULL.
                String unresolved =
                        ref.has("unresolved") && ref.value("unresolved") == null
                                ? "null"
                                : ref.string("unresolved", false);
                if (unresolved != null) {
                    if (unresolved.equals("null")) {
                        writeNull = true;
                    } else if (!unresolved.equals("dead-letter")) {
                        ref.problem(
                                "unresolved",
                                "must be dead-letter or null, got '" + unresolved + "'");
                    }
                }
            } else {
                target = refs.string(attribute, true);
            }
            if (target != null) {
                out.put(attribute, new SyncConfig.Reference(target, wait, writeNull));
            }
        }
        return out;
    }

    /**
     * A problem of an entity type read as a file of one, under the key the user wrote: a system's
     * table settings are in the entity type's {@code tables}, its model keys in the entity type.
     */
    static String located(
            String line, String entity, Map<?, ?> declared, Map<String, Object> tables) {
        String at = "entities." + entity + ".";
        for (String system : tables.keySet()) {
            String prefix = "systems." + system + ".";
            if (line.startsWith(prefix)) {
                String rest = line.substring(prefix.length());
                String key = rest.split("[.:\\[ ]", 2)[0];
                return TABLE_KEYS.contains(key) && !"write".equals(key) && !"deletes".equals(key)
                        ? at + "tables." + system + "." + rest
                        : line;
            }
            if (line.startsWith("systems." + system + ":")) {
                return at + "tables." + line.substring("systems.".length());
            }
        }
        String key = line.split("[.:\\[ ]", 2)[0];
        return declared.containsKey(key) ? at + line : line;
    }

    /**
     * The tables of one system share its schema: the job's heartbeat and writes tables live there,
     * one each per system.
     */
    private static void sharedSchemas(Map<String, SyncConfig> read, Problems problems) {
        Map<String, String> schemas = new LinkedHashMap<>();
        for (SyncConfig config : read.values()) {
            for (SystemConfig system : config.systems().values()) {
                String schema = system.table().schema();
                String first = schemas.putIfAbsent(system.name(), schema);
                if (first != null && !first.equals(schema)) {
                    problems.add(
                            "entities." + config.entity() + ".tables." + system.name() + ".table",
                            "is in schema "
                                    + schema
                                    + ", another entity type's table of "
                                    + system.name()
                                    + " in "
                                    + first
                                    + "; the tables of one system share its schema (the job's"
                                    + " heartbeat and writes tables are there)");
                }
            }
        }
    }

    private static void collect(Problems problems, Set<String> lines) {
        for (String line : lines) {
            int colon = line.indexOf(": ");
            problems.add(line.substring(0, colon), line.substring(colon + 2));
        }
    }

    /**
     * The entity types with every referenced one before those that reference it; a reference to an
     * unknown entity type, or references that form a cycle, are problems.
     */
    private static List<SyncConfig> referencesFirst(
            YamlNode entities, Map<String, SyncConfig> read, Problems problems) {
        List<SyncConfig> ordered = new ArrayList<>();
        Set<String> placed = new LinkedHashSet<>();
        for (SyncConfig config : read.values()) {
            config.references()
                    .forEach(
                            (attribute, reference) -> {
                                SyncConfig target = read.get(reference.entity());
                                String at =
                                        "entities." + config.entity() + ".references." + attribute;
                                if (target == null) {
                                    if (entities == null || !entities.has(reference.entity())) {
                                        problems.add(
                                                at,
                                                "no entity type '"
                                                        + reference.entity()
                                                        + "' in entities");
                                    }
                                    return;
                                }
                                for (String system : config.systems().keySet()) {
                                    SystemConfig held = target.systems().get(system);
                                    if (held == null) {
                                        problems.add(
                                                at,
                                                "system "
                                                        + system
                                                        + " has no table of "
                                                        + reference.entity()
                                                        + ": its references cannot be resolved");
                                    } else if (held.primaryKey().size() != 1) {
                                        problems.add(
                                                at,
                                                reference.entity()
                                                        + " has a primary key of several columns in "
                                                        + system
                                                        + "; a reference column holds one");
                                    }
                                }
                            });
        }
        while (placed.size() < read.size()) {
            boolean progress = false;
            for (SyncConfig config : read.values()) {
                if (placed.contains(config.entity())) {
                    continue;
                }
                boolean ready =
                        config.references().values().stream()
                                .allMatch(
                                        r ->
                                                placed.contains(r.entity())
                                                        || !read.containsKey(r.entity()));
                if (ready) {
                    ordered.add(config);
                    placed.add(config.entity());
                    progress = true;
                }
            }
            if (!progress) {
                List<String> cycle =
                        read.keySet().stream().filter(e -> !placed.contains(e)).toList();
                problems.add(
                        "entities",
                        "references form a cycle between "
                                + cycle
                                + "; an entity type may not reference itself or one that references"
                                + " it");
                break;
            }
        }
        if (read.isEmpty() && problems.count() == 0) {
            problems.add("entities", "must declare at least one entity type");
        }
        return ordered;
    }
}
