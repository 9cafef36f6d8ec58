package io.bidisync.job.config;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.survivorship.Rule;

import org.apache.flink.util.TimeUtils;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the YAML configuration (docs/configuration.md) into a {@link SyncConfig}.
 *
 * <p>It does not stop at the first problem: every problem is collected, one line each, starting
 * with the key it is about, so a user fixes a file in one round. {@code ${VAR}} references are
 * replaced from the environment, except in passwords, which stay references (see {@link Secret}).
 */
public final class ConfigLoader {
    private static final Pattern SYNC_NAME = Pattern.compile("[a-z][a-z0-9_-]{0,40}");

    private static final Set<String> TOP_KEYS =
            Set.of(
                    "name",
                    "match-key",
                    "attributes",
                    "survivorship",
                    "compare",
                    "completeness",
                    "writer",
                    "loop-breaker",
                    "dead-letters",
                    "golden-output",
                    "audit",
                    "safety",
                    "systems");
    private static final Set<String> SYSTEM_KEYS =
            Set.of(
                    "connection",
                    "table",
                    "primary-key",
                    "version-column",
                    "version-managed-by",
                    "columns",
                    "write",
                    "deletes",
                    "create-publication",
                    "source");
    private static final Set<String> KAFKA_KEYS = Set.of("bootstrap-servers", "properties");

    /** Kafka client properties whose values are secrets: only environment references. */
    private static final Pattern SECRET_PROPERTY = Pattern.compile(".*(password|jaas|secret).*");

    private final Function<String, String> environment;
    private final List<String> problems = new ArrayList<>();

    /** The sync's name, once read: part of default Kafka group and transactional ids. */
    private String syncName;

    private ConfigLoader(Function<String, String> environment) {
        this.environment = environment;
    }

    /** Reads a configuration file, resolving {@code ${VAR}} from the process environment. */
    public static SyncConfig load(Path file) throws ConfigException {
        String yaml;
        try {
            yaml = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException(List.of(file + ": cannot be read (" + e.getMessage() + ")"));
        }
        return parse(yaml, System::getenv);
    }

    /** Parses configuration text, resolving {@code ${VAR}} with {@code environment}. */
    public static SyncConfig parse(String yaml, Function<String, String> environment)
            throws ConfigException {
        return new ConfigLoader(environment).read(yaml);
    }

    private SyncConfig read(String yaml) throws ConfigException {
        Object root;
        try {
            root = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        } catch (YAMLException e) {
            String reason =
                    e.getMessage() == null ? "" : e.getMessage().lines().findFirst().orElse("");
            throw new ConfigException(List.of("(file): not valid YAML: " + reason));
        }
        if (!(root instanceof Map)) {
            throw new ConfigException(
                    List.of("(file): expected a mapping of keys, like 'name: customers'"));
        }
        Map<?, ?> top = (Map<?, ?>) root;
        unknownKeys("", top, TOP_KEYS);

        String name = string(top, "", "name", true);
        syncName = name;
        if (name != null && !SYNC_NAME.matcher(name).matches()) {
            problem(
                    "name",
                    "must be lower case letters, digits, '-' or '_', starting with a letter (got '"
                            + name
                            + "')");
        }

        List<String> attributeNames = stringList(top, "", "attributes", true);
        Attributes attributes = null;
        if (attributeNames != null) {
            if (attributeNames.isEmpty()) {
                problem("attributes", "must list at least one attribute");
            } else if (attributeNames.size() != attributeNames.stream().distinct().count()) {
                problem("attributes", "lists an attribute twice: " + attributeNames);
            } else {
                attributes = new Attributes(attributeNames);
            }
        }

        SyncConfig.MatchKey matchKey = matchKey(top, attributes);
        Map<?, ?> survivorship = map(top, "", "survivorship", false);
        Rule defaultRule = Rule.MOST_RECENT;
        List<String> priority = List.of();
        Map<String, Rule> rules = Map.of();
        if (survivorship != null) {
            unknownKeys("survivorship.", survivorship, Set.of("default", "priority", "rules"));
            String defaultName = string(survivorship, "survivorship.", "default", false);
            if (defaultName != null) {
                defaultRule = rule("survivorship.default", defaultName);
            }
            List<String> p = stringList(survivorship, "survivorship.", "priority", false);
            priority = p == null ? List.of() : p;
            rules = perAttribute(survivorship, "survivorship.rules", attributes, this::rule);
        }
        Map<String, Normalizer> compare =
                perAttribute(top, "compare", attributes, (key, value) -> normalizer(key, value));

        SyncConfig.Completeness completeness = completeness(map(top, "", "completeness", false));
        SyncConfig.Writer writer = writer(map(top, "", "writer", false));
        SyncConfig.LoopBreaker loopBreaker = loopBreaker(map(top, "", "loop-breaker", false));

        Map<String, SystemConfig> systems = new LinkedHashMap<>();
        Map<?, ?> systemsNode = map(top, "", "systems", true);
        if (systemsNode != null) {
            if (systemsNode.isEmpty()) {
                problem("systems", "must define at least one system");
            }
            for (Map.Entry<?, ?> e : systemsNode.entrySet()) {
                String systemName = String.valueOf(e.getKey());
                SystemConfig system = system(systemName, e.getValue(), attributes, matchKey);
                if (system != null) {
                    systems.put(systemName, system);
                }
            }
        }
        crossChecks(attributes, priority, systemsNode, systems);
        Map<?, ?> deadLettersNode = map(top, "", "dead-letters", false);
        SyncConfig.DeadLetterTable deadLetterTable = null;
        DeadLetterTopic deadLetterTopic = null;
        if (deadLettersNode != null && deadLettersNode.containsKey("topic")) {
            deadLetterTopic = deadLetterTopic(deadLettersNode);
        } else {
            deadLetterTable = deadLetterTable(deadLettersNode, systemsNode);
        }
        GoldenOutput goldenOutput = goldenOutput(map(top, "", "golden-output", false));
        SyncConfig.Audit audit = audit(top.get("audit"), systemsNode, systems, goldenOutput);
        SyncConfig.Safety safety = safety(map(top, "", "safety", false));

        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return new SyncConfig(
                name,
                attributes,
                matchKey,
                defaultRule == null ? Rule.MOST_RECENT : defaultRule,
                List.copyOf(priority),
                Collections.unmodifiableMap(new LinkedHashMap<>(rules)),
                Collections.unmodifiableMap(new LinkedHashMap<>(compare)),
                completeness,
                writer,
                loopBreaker,
                deadLetterTable,
                deadLetterTopic,
                goldenOutput,
                audit,
                safety,
                Collections.unmodifiableMap(systems));
    }

    private SyncConfig.MatchKey matchKey(Map<?, ?> top, Attributes attributes) {
        Map<?, ?> node = map(top, "", "match-key", true);
        if (node == null) {
            return null;
        }
        unknownKeys("match-key.", node, Set.of("attribute", "normalize"));
        String attribute = string(node, "match-key.", "attribute", true);
        if (attribute != null && attributes != null && attributes.indexOf(attribute) < 0) {
            problem(
                    "match-key.attribute",
                    "'" + attribute + "' is not one of the attributes " + attributes);
        }
        String normalizeName = string(node, "match-key.", "normalize", false);
        Normalizer normalizer =
                normalizeName == null
                        ? Normalizer.TRIM
                        : normalizer("match-key.normalize", normalizeName);
        return new SyncConfig.MatchKey(attribute, normalizer);
    }

    private SyncConfig.Completeness completeness(Map<?, ?> node) {
        Duration delay = Duration.ofSeconds(1);
        Duration maxWait = null;
        Duration heartbeat = Duration.ofMillis(500);
        String table = "bidisync_heartbeat";
        if (node != null) {
            unknownKeys(
                    "completeness.",
                    node,
                    Set.of("delay", "max-wait", "heartbeat-interval", "heartbeat-table"));
            delay = duration(node, "completeness.", "delay", delay);
            maxWait = duration(node, "completeness.", "max-wait", null);
            heartbeat = duration(node, "completeness.", "heartbeat-interval", heartbeat);
            String t = string(node, "completeness.", "heartbeat-table", false);
            if (t != null) {
                if (SqlIdentifier.isValid(t)) {
                    table = t;
                } else {
                    problem(
                            "completeness.heartbeat-table",
                            "not a valid SQL identifier: " + SqlIdentifier.describe(t));
                }
            }
            if (heartbeat != null && heartbeat.isZero()) {
                problem("completeness.heartbeat-interval", "must be greater than 0");
            }
        }
        if (maxWait == null) {
            maxWait =
                    delay.multipliedBy(10).compareTo(Duration.ofSeconds(10)) > 0
                            ? delay.multipliedBy(10)
                            : Duration.ofSeconds(10);
        } else if (maxWait.compareTo(delay) < 0) {
            problem(
                    "completeness.max-wait",
                    "must not be shorter than completeness.delay (" + delay + ")");
        }
        return new SyncConfig.Completeness(delay, maxWait, heartbeat, table);
    }

    private SyncConfig.Writer writer(Map<?, ?> node) {
        int batchSize = 500;
        Duration flushInterval = Duration.ofMillis(200);
        int maxRetries = 3;
        Duration backoff = Duration.ofMillis(500);
        Duration maxBackoff = Duration.ofSeconds(10);
        Duration outageTimeout = Duration.ofMinutes(5);
        Duration insertTimeout = Duration.ofMinutes(5);
        int insertAttempts = 4;
        String writesTable = "bidisync_writes";
        if (node != null) {
            unknownKeys(
                    "writer.",
                    node,
                    Set.of(
                            "batch-size",
                            "flush-interval",
                            "max-retries",
                            "retry-backoff",
                            "max-backoff",
                            "outage-timeout",
                            "writes-table",
                            "insert-timeout",
                            "insert-attempts"));
            batchSize = positiveInt(node, "writer.", "batch-size", batchSize, 1);
            flushInterval = duration(node, "writer.", "flush-interval", flushInterval);
            maxRetries = positiveInt(node, "writer.", "max-retries", maxRetries, 0);
            backoff = duration(node, "writer.", "retry-backoff", backoff);
            maxBackoff = duration(node, "writer.", "max-backoff", maxBackoff);
            outageTimeout = duration(node, "writer.", "outage-timeout", outageTimeout);
            insertTimeout = duration(node, "writer.", "insert-timeout", insertTimeout);
            insertAttempts = positiveInt(node, "writer.", "insert-attempts", insertAttempts, 1);
            String t = identifier(node, "writer.", "writes-table", false);
            writesTable = t == null ? writesTable : t;
        }
        return new SyncConfig.Writer(
                batchSize,
                flushInterval,
                maxRetries,
                backoff,
                maxBackoff,
                outageTimeout,
                writesTable,
                insertTimeout,
                insertAttempts);
    }

    private SyncConfig.DeadLetterTable deadLetterTable(Map<?, ?> node, Map<?, ?> systemsNode) {
        if (node == null) {
            return null;
        }
        unknownKeys("dead-letters.", node, Set.of("system", "table"));
        String system = string(node, "dead-letters.", "system", true);
        if (system != null && systemsNode != null && !systemsNode.containsKey(system)) {
            problem(
                    "dead-letters.system",
                    "names unknown system '"
                            + system
                            + "' (systems: "
                            + systemsNode.keySet()
                            + ")");
        }
        String table = identifier(node, "dead-letters.", "table", false);
        return new SyncConfig.DeadLetterTable(
                system, table == null ? "bidisync_dead_letter" : table);
    }

    /**
     * {@code audit: true} (a topic {@code <golden topic>.audit} next to the golden output when
     * there is one, else table {@code bidisync_audit_log} in the first system's database), {@code
     * false}, {@code {system, table}}, or {@code {topic, bootstrap-servers, properties}} (the
     * cluster defaults to the golden output's).
     */
    private SyncConfig.Audit audit(
            Object node,
            Map<?, ?> systemsNode,
            Map<String, SystemConfig> systems,
            GoldenOutput goldenOutput) {
        String p = "audit.";
        String system;
        String table = null;
        if (node == null || Boolean.FALSE.equals(node)) {
            return null;
        } else if (Boolean.TRUE.equals(node)) {
            if (goldenOutput != null) {
                return SyncConfig.Audit.topic(
                        goldenOutput.kafka(), goldenOutput.topic() + ".audit");
            }
            system = systems.isEmpty() ? null : systems.keySet().iterator().next();
        } else if (node instanceof Map<?, ?> map && map.containsKey("topic")) {
            unknownKeys(p, map, union(KAFKA_KEYS, Set.of("topic")));
            String topic = string(map, p, "topic", true);
            KafkaConnection kafka =
                    map.containsKey("bootstrap-servers") || goldenOutput == null
                            ? kafkaConnection(map, p)
                            : goldenOutput.kafka();
            return kafka == null || topic == null ? null : SyncConfig.Audit.topic(kafka, topic);
        } else if (node instanceof Map<?, ?> map) {
            unknownKeys(p, map, Set.of("system", "table", "topic"));
            system = string(map, p, "system", true);
            if (system != null && systemsNode != null && !systemsNode.containsKey(system)) {
                problem(
                        "audit.system",
                        "names unknown system '"
                                + system
                                + "' (systems: "
                                + systemsNode.keySet()
                                + ")");
            }
            table = identifier(map, p, "table", false);
        } else {
            problem(
                    "audit",
                    "must be true, false, {system, table} or {topic, bootstrap-servers}, got '"
                            + node
                            + "'");
            return null;
        }
        SystemConfig holder = system == null ? null : systems.get(system);
        if (holder != null && !holder.readByCdc()) {
            problem(
                    "audit.system",
                    "'" + system + "' is not a PostgreSQL system; the audit table needs one");
        }
        return SyncConfig.Audit.table(system, table == null ? "bidisync_audit_log" : table);
    }

    /** {@code safety: { max-writes-per-system: 5% | 500, window: 10m }}. */
    private SyncConfig.Safety safety(Map<?, ?> node) {
        if (node == null) {
            return null;
        }
        String p = "safety.";
        unknownKeys(p, node, Set.of("max-writes-per-system", "window"));
        Duration window = duration(node, p, "window", Duration.ofMinutes(10));
        Object limit = node.get("max-writes-per-system");
        String text = limit == null ? null : String.valueOf(limit).trim();
        if (text == null) {
            problem(p + "max-writes-per-system", "is required (a share like 5% or a number)");
            return null;
        }
        try {
            if (text.endsWith("%")) {
                double percent = Double.parseDouble(text.substring(0, text.length() - 1).trim());
                if (percent > 0 && percent <= 100) {
                    return new SyncConfig.Safety(percent, null, window);
                }
            } else {
                int writes = Integer.parseInt(text);
                if (writes > 0) {
                    return new SyncConfig.Safety(null, writes, window);
                }
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problem(
                p + "max-writes-per-system",
                "must be a share of the rows above 0% and up to 100% (like 5%) or a positive"
                        + " number, got '"
                        + text
                        + "'");
        return null;
    }

    private DeadLetterTopic deadLetterTopic(Map<?, ?> node) {
        String p = "dead-letters.";
        unknownKeys(p, node, union(KAFKA_KEYS, Set.of("topic")));
        if (node.containsKey("system") || node.containsKey("table")) {
            problem("dead-letters", "set either topic (Kafka) or system and table, not both");
        }
        KafkaConnection kafka = kafkaConnection(node, p);
        String topic = string(node, p, "topic", true);
        return kafka == null || topic == null ? null : new DeadLetterTopic(kafka, topic);
    }

    private GoldenOutput goldenOutput(Map<?, ?> node) {
        if (node == null) {
            return null;
        }
        String p = "golden-output.";
        unknownKeys(p, node, union(KAFKA_KEYS, Set.of("topic", "transactional-id-prefix")));
        KafkaConnection kafka = kafkaConnection(node, p);
        String topic = string(node, p, "topic", true);
        String prefix = string(node, p, "transactional-id-prefix", false);
        if (kafka == null || topic == null) {
            return null;
        }
        return new GoldenOutput(kafka, topic, prefix == null ? "bidisync-" + syncName : prefix);
    }

    /** The connection of a Kafka client: {@code bootstrap-servers} and {@code properties}. */
    private KafkaConnection kafkaConnection(Map<?, ?> node, String prefix) {
        String servers = string(node, prefix, "bootstrap-servers", true);
        Map<String, String> properties = new LinkedHashMap<>();
        Map<?, ?> props = map(node, prefix, "properties", false);
        if (props != null) {
            for (Map.Entry<?, ?> e : props.entrySet()) {
                String key = String.valueOf(e.getKey());
                String where = prefix + "properties." + key;
                Object value = e.getValue();
                if (value == null || value instanceof Map || value instanceof List) {
                    problem(where, "expected a single value");
                    continue;
                }
                String text = String.valueOf(value);
                List<String> references = EnvironmentReferences.names(text);
                for (String variable : references) {
                    if (environment.apply(variable) == null) {
                        problem(where, "environment variable " + variable + " is not set");
                    }
                }
                if (references.isEmpty() && SECRET_PROPERTY.matcher(key).matches()) {
                    // The literal is not repeated in the message: it is a secret.
                    problem(
                            where,
                            "holds a secret: use an environment variable reference like"
                                    + " ${KAFKA_JAAS_CONFIG}; literal secrets are not accepted");
                }
                // References stay unresolved: KafkaConnection resolves them when a client is built.
                properties.put(key, text);
            }
        }
        return servers == null
                ? null
                : new KafkaConnection(servers, Collections.unmodifiableMap(properties));
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new HashSet<>(a);
        out.addAll(b);
        return out;
    }

    private SyncConfig.LoopBreaker loopBreaker(Map<?, ?> node) {
        int maxWrites = 20;
        Duration window = Duration.ofMinutes(1);
        Duration freeze = Duration.ofHours(1);
        if (node != null) {
            unknownKeys("loop-breaker.", node, Set.of("max-writes", "window", "freeze"));
            maxWrites = positiveInt(node, "loop-breaker.", "max-writes", maxWrites, 1);
            window = duration(node, "loop-breaker.", "window", window);
            freeze = duration(node, "loop-breaker.", "freeze", freeze);
        }
        return new SyncConfig.LoopBreaker(maxWrites, window, freeze);
    }

    private SystemConfig system(
            String name, Object value, Attributes attributes, SyncConfig.MatchKey matchKey) {
        String p = "systems." + name + ".";
        if (!SqlIdentifier.isValid(name) || !name.equals(name.toLowerCase(Locale.ROOT))) {
            problem("systems." + name, "system names must be lower case letters, digits and '_'");
        }
        if (!(value instanceof Map)) {
            problem(
                    "systems." + name,
                    "expected a mapping with connection, table, primary-key, columns");
            return null;
        }
        Map<?, ?> node = (Map<?, ?>) value;
        unknownKeys(p, node, SYSTEM_KEYS);
        int before = problems.size();

        String url = null;
        String username = null;
        Secret password = null;
        Map<?, ?> connection = map(node, p, "connection", true);
        if (connection != null) {
            unknownKeys(p + "connection.", connection, Set.of("url", "username", "password"));
            url = string(connection, p + "connection.", "url", true);
            if (url != null && JdbcUrl.parse(url) == null) {
                problem(
                        p + "connection.url",
                        "must be a JDBC URL like jdbc:postgresql://host:5432/db, jdbc:mariadb://host:3306/db or jdbc:mysql://host:3306/db");
            }
            username = string(connection, p + "connection.", "username", true);
            password = password(connection, p + "connection.password");
        }

        TableName table = null;
        String tableText = string(node, p, "table", true);
        if (tableText != null) {
            String[] parts = tableText.split("\\.", -1);
            if (parts.length == 1) {
                parts = new String[] {"public", parts[0]};
            }
            if (parts.length != 2
                    || !SqlIdentifier.isValid(parts[0])
                    || !SqlIdentifier.isValid(parts[1])) {
                problem(
                        p + "table",
                        "must be 'schema.table' or 'table' made of plain SQL identifiers, got "
                                + SqlIdentifier.describe(tableText));
            } else {
                table = new TableName(parts[0], parts[1]);
            }
        }
        String primaryKey = identifier(node, p, "primary-key", true);
        String versionColumn = identifier(node, p, "version-column", false);
        VersionOwner versionOwner = VersionOwner.JOB;
        String owner = string(node, p, "version-managed-by", false);
        if (owner != null) {
            versionOwner = enumValue(VersionOwner.class, p + "version-managed-by", owner);
            if (versionColumn == null) {
                problem(p + "version-managed-by", "is set but there is no version-column");
            }
        }

        Map<String, String> columns = new LinkedHashMap<>();
        Map<?, ?> columnsNode = map(node, p, "columns", true);
        if (columnsNode != null && attributes != null) {
            Map<String, String> byAttribute = new LinkedHashMap<>();
            for (Map.Entry<?, ?> e : columnsNode.entrySet()) {
                String attribute = String.valueOf(e.getKey());
                String key = p + "columns." + attribute;
                if (attributes.indexOf(attribute) < 0) {
                    problem(key, "'" + attribute + "' is not one of the attributes " + attributes);
                } else if (!(e.getValue() instanceof String column)
                        || !SqlIdentifier.isValid(column)) {
                    problem(
                            key,
                            "must name a column with a plain SQL identifier, got "
                                    + SqlIdentifier.describe(String.valueOf(e.getValue())));
                } else if (byAttribute.containsValue(column)) {
                    problem(key, "column '" + column + "' is mapped to two attributes");
                } else {
                    byAttribute.put(attribute, column);
                }
            }
            for (String attribute : attributes.names()) {
                if (byAttribute.containsKey(attribute)) {
                    columns.put(attribute, byAttribute.get(attribute));
                }
            }
            if (matchKey != null
                    && matchKey.attribute() != null
                    && attributes.indexOf(matchKey.attribute()) >= 0
                    && !columns.containsKey(matchKey.attribute())) {
                problem(
                        p + "columns",
                        "must map the match-key attribute '" + matchKey.attribute() + "'");
            }
            if (primaryKey != null && columns.containsValue(primaryKey)) {
                problem(
                        p + "columns",
                        "maps the primary key '"
                                + primaryKey
                                + "' to an attribute; keys are local to each system");
            }
            if (versionColumn != null && columns.containsValue(versionColumn)) {
                problem(
                        p + "columns",
                        "maps the version column '" + versionColumn + "' to an attribute");
            }
        }

        Set<WriteOperation> write = EnumSet.of(WriteOperation.INSERT, WriteOperation.UPDATE);
        if (node.containsKey("write")) {
            List<String> ops = stringList(node, p, "write", false);
            if (ops != null) {
                write = EnumSet.noneOf(WriteOperation.class);
                for (String op : ops) {
                    WriteOperation operation = enumValue(WriteOperation.class, p + "write", op);
                    if (operation != null) {
                        write.add(operation);
                    }
                }
            }
        }
        DeletePolicy deletes = DeletePolicy.IGNORE;
        String deletesText = string(node, p, "deletes", false);
        if (deletesText != null) {
            deletes = enumValue(DeletePolicy.class, p + "deletes", deletesText);
        }
        boolean createPublication = true;
        Object create = node.get("create-publication");
        if (create != null) {
            if (create instanceof Boolean b) {
                createPublication = b;
            } else {
                problem(p + "create-publication", "must be true or false, got '" + create + "'");
            }
        }
        Map<?, ?> sourceNode = map(node, p, "source", false);
        DebeziumTopic changeTopic = changeTopic(sourceNode, p, name);
        boolean fromKafka = sourceNode != null && "kafka-debezium".equals(sourceNode.get("kind"));
        if (!fromKafka && url != null && JdbcUrl.parsePostgres(url) == null) {
            problem(
                    p + "source.kind",
                    "the job reads changes by CDC from PostgreSQL only; for this database set"
                            + " kafka-debezium and a Debezium change topic");
        }
        if (problems.size() > before) {
            return null;
        }
        return new SystemConfig(
                name,
                url,
                username,
                password,
                table,
                primaryKey,
                versionColumn,
                versionOwner,
                Collections.unmodifiableMap(columns),
                Collections.unmodifiableSet(write),
                deletes,
                createPublication,
                changeTopic);
    }

    /** A system's {@code source}: {@code null} for CDC (the default), else its change topic. */
    private DebeziumTopic changeTopic(Map<?, ?> node, String prefix, String systemName) {
        if (node == null) {
            return null;
        }
        String p = prefix + "source.";
        String kind = string(node, p, "kind", true);
        if (kind == null) {
            return null;
        }
        if (kind.equals("postgres-cdc")) {
            unknownKeys(p, node, Set.of("kind"));
            return null;
        }
        if (!kind.equals("kafka-debezium")) {
            problem(p + "kind", "unknown kind '" + kind + "' (use postgres-cdc or kafka-debezium)");
            return null;
        }
        unknownKeys(
                p,
                node,
                union(
                        KAFKA_KEYS,
                        Set.of("kind", "topic", "group-id", "heartbeat-topic", "caught-up-after")));
        KafkaConnection kafka = kafkaConnection(node, p);
        String topic = string(node, p, "topic", true);
        String groupId = string(node, p, "group-id", false);
        String heartbeatTopic = string(node, p, "heartbeat-topic", false);
        Duration caughtUpAfter = duration(node, p, "caught-up-after", Duration.ofSeconds(5));
        if (kafka == null || topic == null) {
            return null;
        }
        return new DebeziumTopic(
                kafka,
                topic,
                groupId == null ? "bidisync-" + syncName + "-" + systemName : groupId,
                heartbeatTopic,
                caughtUpAfter);
    }

    private void crossChecks(
            Attributes attributes,
            List<String> priority,
            Map<?, ?> systemsNode,
            Map<String, SystemConfig> systems) {
        if (systemsNode == null) {
            return;
        }
        for (String system : priority) {
            if (!systemsNode.containsKey(system)) {
                problem(
                        "survivorship.priority",
                        "names unknown system '"
                                + system
                                + "' (systems: "
                                + systemsNode.keySet()
                                + ")");
            }
        }
        if (attributes != null && systems.size() == systemsNode.size()) {
            for (String attribute : attributes.names()) {
                boolean mapped =
                        systems.values().stream().anyMatch(s -> s.columns().containsKey(attribute));
                if (!mapped) {
                    problem("attributes." + attribute, "no system maps it to a column");
                }
            }
        }
        Map<String, String> tables = new LinkedHashMap<>();
        for (SystemConfig s : systems.values()) {
            String where = s.url() + " " + s.table();
            String other = tables.putIfAbsent(where, s.name());
            if (other != null) {
                problem(
                        "systems." + s.name() + ".table",
                        "is the same table as systems." + other + " (" + s.table() + ")");
            }
        }
    }

    private Secret password(Map<?, ?> connection, String key) {
        Object value = connection.get("password");
        if (value == null) {
            return null;
        }
        Matcher m = EnvironmentReferences.PATTERN.matcher(String.valueOf(value));
        if (!(value instanceof String) || !m.matches()) {
            // The literal is not repeated in the message: it is a secret.
            problem(
                    key,
                    "must be an environment variable reference like ${CRM_PASSWORD}; literal passwords are not accepted");
            return null;
        }
        return new Secret(m.group(1));
    }

    private <T> Map<String, T> perAttribute(
            Map<?, ?> parent, String key, Attributes attributes, Parser<T> parser) {
        String[] path = key.split("\\.");
        Object node = parent.get(path[path.length - 1]);
        if (node == null) {
            return Map.of();
        }
        if (!(node instanceof Map)) {
            problem(key, "expected a mapping of attribute: value");
            return Map.of();
        }
        Map<String, T> out = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
            String attribute = String.valueOf(e.getKey());
            String entryKey = key + "." + attribute;
            if (attributes != null && attributes.indexOf(attribute) < 0) {
                problem(entryKey, "'" + attribute + "' is not one of the attributes " + attributes);
                continue;
            }
            T parsed = parser.parse(entryKey, String.valueOf(e.getValue()));
            if (parsed != null) {
                out.put(attribute, parsed);
            }
        }
        return out;
    }

    @FunctionalInterface
    private interface Parser<T> {
        T parse(String key, String value);
    }

    private Rule rule(String key, String value) {
        Rule rule = Rule.byName(value);
        if (rule == null) {
            problem(key, "unknown rule '" + value + "' (use most-recent or priority)");
        }
        return rule;
    }

    private Normalizer normalizer(String key, String value) {
        Normalizer n = Normalizer.byName(value);
        if (n == null) {
            problem(
                    key,
                    "unknown normaliser '"
                            + value
                            + "' (use email, phone, digits, lower, trim or none)");
        }
        return n;
    }

    private <E extends Enum<E>> E enumValue(Class<E> type, String key, String value) {
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value)) {
                return e;
            }
        }
        List<String> allowed = new ArrayList<>();
        for (E e : type.getEnumConstants()) {
            allowed.add(e.name().toLowerCase(Locale.ROOT));
        }
        problem(key, "unknown value '" + value + "' (use " + String.join(", ", allowed) + ")");
        return null;
    }

    private Duration duration(Map<?, ?> node, String prefix, String key, Duration fallback) {
        String text = string(node, prefix, key, false);
        if (text == null) {
            return fallback;
        }
        try {
            Duration d = TimeUtils.parseDuration(text);
            if (d.isNegative()) {
                problem(prefix + key, "must not be negative");
            }
            return d;
        } catch (IllegalArgumentException e) {
            problem(prefix + key, "not a duration: '" + text + "' (use e.g. 500ms, 1s, 2min)");
            return fallback;
        }
    }

    private int positiveInt(Map<?, ?> node, String prefix, String key, int fallback, int min) {
        Object value = node.get(key);
        if (value == null) {
            return fallback;
        }
        if (!(value instanceof Integer i) || i < min) {
            problem(prefix + key, "must be a whole number ≥ " + min + ", got '" + value + "'");
            return fallback;
        }
        return i;
    }

    private String identifier(Map<?, ?> node, String prefix, String key, boolean required) {
        String value = string(node, prefix, key, required);
        if (value != null && !SqlIdentifier.isValid(value)) {
            problem(prefix + key, "not a valid SQL identifier: " + SqlIdentifier.describe(value));
            return null;
        }
        return value;
    }

    private Map<?, ?> map(Map<?, ?> node, String prefix, String key, boolean required) {
        Object value = node.get(key);
        if (value == null) {
            if (required) {
                problem(prefix + key, "is missing");
            }
            return null;
        }
        if (!(value instanceof Map)) {
            problem(prefix + key, "expected a mapping, got '" + value + "'");
            return null;
        }
        return (Map<?, ?>) value;
    }

    private String string(Map<?, ?> node, String prefix, String key, boolean required) {
        Object value = node.get(key);
        if (value == null) {
            if (required) {
                problem(prefix + key, "is missing");
            }
            return null;
        }
        if (value instanceof Map || value instanceof List) {
            problem(prefix + key, "expected a single value");
            return null;
        }
        return substitute(prefix + key, String.valueOf(value));
    }

    private List<String> stringList(Map<?, ?> node, String prefix, String key, boolean required) {
        Object value = node.get(key);
        if (value == null) {
            if (required) {
                problem(prefix + key, "is missing");
            }
            return null;
        }
        if (!(value instanceof List)) {
            problem(prefix + key, "expected a list like [a, b]");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Object item : (List<?>) value) {
            if (item == null || item instanceof Map || item instanceof List) {
                problem(prefix + key, "expected a list of single values");
                return null;
            }
            out.add(substitute(prefix + key, String.valueOf(item)));
        }
        return out;
    }

    private String substitute(String key, String value) {
        return EnvironmentReferences.resolve(
                value,
                environment,
                variable -> problem(key, "environment variable " + variable + " is not set"));
    }

    private void unknownKeys(String prefix, Map<?, ?> node, Set<String> known) {
        for (Object key : node.keySet()) {
            if (!known.contains(String.valueOf(key))) {
                problem(
                        prefix + key,
                        "unknown key (known: "
                                + String.join(", ", new java.util.TreeSet<>(known))
                                + ")");
            }
        }
    }

    private void problem(String key, String message) {
        problems.add(key + ": " + message);
    }
}
