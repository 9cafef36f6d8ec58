package io.bidisync.job.config;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Reads the YAML configuration (docs/configuration.md) into a {@link SyncConfig}.
 *
 * <p>It does not stop at the first problem: every problem is collected, one line each, starting
 * with the key it is about, so a user fixes a file in one round. {@code ${VAR}} references are
 * replaced from the environment, except in passwords, which stay references (see {@link Secret}).
 *
 * <p>The sections are read by one reader each, over a {@link YamlNode} that knows its key path:
 * {@link ModelReader} (name, attributes, match key, survivorship, compare), {@link TuningReader}
 * (completeness, writer, loop breaker, safety), {@link SystemsReader}, {@link OutputsReader} (dead
 * letters, golden output, audit); {@link CrossChecks} holds the checks between sections. The order
 * below is the order in which problems are reported.
 */
public final class ConfigLoader {
    static final Set<String> TOP_KEYS =
            Set.of(
                    "name",
                    "match-key",
                    "attributes",
                    "survivorship",
                    "types",
                    "compare",
                    "completeness",
                    "writer",
                    "loop-breaker",
                    "dead-letters",
                    "golden-output",
                    "audit",
                    "safety",
                    "systems");

    private ConfigLoader() {}

    /**
     * Reads a configuration file of one entity type, resolving {@code ${VAR}} from the process
     * environment.
     */
    public static SyncConfig load(Path file) throws ConfigException {
        return single(loadJob(file));
    }

    /**
     * Reads a configuration file, of one entity type or several, resolving {@code ${VAR}} from the
     * process environment.
     */
    public static JobConfig loadJob(Path file) throws ConfigException {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot be read (" + e.getMessage() + ")"));
        }
        return parseJob(yaml, System::getenv);
    }

    /**
     * Parses the text of a file of one entity type, resolving {@code ${VAR}} with {@code
     * environment}.
     */
    public static SyncConfig parse(String yaml, Function<String, String> environment)
            throws ConfigException {
        return single(parseJob(yaml, environment));
    }

    /** Parses configuration text of one entity type or several. */
    public static JobConfig parseJob(String yaml, Function<String, String> environment)
            throws ConfigException {
        Map<?, ?> root = mapping(yaml);
        return root.containsKey("entities")
                ? EntitiesReader.read(root, environment)
                : JobConfig.of(parse(root, environment));
    }

    private static SyncConfig single(JobConfig job) throws ConfigException {
        if (job.hasEntityTypes()) {
            throw new ConfigException(
                    List.of(
                            "entities: this command takes a file of one entity type; the file"
                                    + " declares "
                                    + job.entities().stream().map(SyncConfig::entity).toList()));
        }
        return job.entities().get(0);
    }

    /** Reads the top-level mapping of a file of one entity type. */
    static SyncConfig parse(Map<?, ?> root, Function<String, String> environment)
            throws ConfigException {
        Problems problems = new Problems();
        YamlNode file = YamlNode.root(root, environment, problems);
        file.rejectUnknownKeys(TOP_KEYS);

        ModelReader.Model model = ModelReader.read(file);
        SyncConfig.Completeness completeness = TuningReader.completeness(file);
        SyncConfig.Writer writer = TuningReader.writer(file);
        SyncConfig.LoopBreaker loopBreaker = TuningReader.loopBreaker(file);

        Map<String, SystemConfig> systems = new LinkedHashMap<>();
        YamlNode systemsNode = file.map("systems", true);
        if (systemsNode != null) {
            new SystemsReader(model.name(), model.attributes(), model.matchKey())
                    .read(systemsNode, systems);
        }
        CrossChecks.betweenSections(
                problems, model.attributes(), model.priority(), systemsNode, systems);

        OutputsReader outputs = new OutputsReader(file, model.name(), systemsNode, systems);
        OutputsReader.DeadLetters deadLetters = outputs.deadLetters();
        GoldenOutput goldenOutput = outputs.goldenOutput();
        SyncConfig.Audit audit = outputs.audit(goldenOutput);
        SyncConfig.Safety safety = TuningReader.safety(file);

        problems.throwIfAny();
        return new SyncConfig(
                model.name(),
                null,
                model.attributes(),
                model.matchKey(),
                model.defaultRule(),
                List.copyOf(model.priority()),
                Collections.unmodifiableMap(new LinkedHashMap<>(model.rules())),
                Collections.unmodifiableMap(new LinkedHashMap<>(model.compare())),
                completeness,
                writer,
                loopBreaker,
                deadLetters.table(),
                deadLetters.topic(),
                goldenOutput,
                audit,
                safety,
                Collections.unmodifiableMap(systems),
                Map.of());
    }

    /** The file's top-level mapping; a file that is not one has no other problem worth reading. */
    private static Map<?, ?> mapping(String yaml) throws ConfigException {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            String reason =
                    e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException(List.of("(file): not valid YAML: " + reason));
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException(
                    List.of("(file): expected a mapping of keys, like 'name: customers'"));
        }
        return map;
    }
}
