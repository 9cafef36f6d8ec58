package io.bidisync.job.config;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.normalize.MatchKey;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.normalize.ValueComparison;
import io.bidisync.udfs.survivorship.Rule;
import io.bidisync.udfs.survivorship.Survivorship;
import io.bidisync.udfs.types.ValueType;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Everything the job needs to sync one entity type, read by {@link ConfigLoader} from a file of one
 * entity type or as one of the entity types of a {@link JobConfig}. Immutable and serialisable, so
 * operators receive it as it was validated.
 *
 * @param name the sync's name (the file's {@code name}); part of replication slot names
 * @param entity the entity type's name in a file of several ({@code entities:}); {@code null} in a
 *     file of one entity type
 * @param attributes the global attributes, in order
 * @param matchKey which attribute identifies an entity, and how it is normalised
 * @param defaultRule the survivorship rule for attributes without their own
 * @param priority system names, most trusted first
 * @param rules per-attribute survivorship rules that override the default
 * @param compare per-attribute comparison normalisers for change and echo detection (default trim)
 * @param completeness when a golden record may be emitted
 * @param writer how writers batch and retry
 * @param loopBreaker when a golden record that keeps being rewritten is frozen
 * @param deadLetterTable where dead letters are stored besides the log; {@code null}: log only (or
 *     a topic)
 * @param deadLetterTopic the Kafka topic dead letters go to besides the log, instead of a table;
 *     {@code null} for none
 * @param goldenOutput where golden records are published; {@code null} for nowhere
 * @param audit where the write audit goes; {@code null} when the audit is off
 * @param safety the mass-change circuit breaker; {@code null} when off
 * @param systems the systems by name, in configuration order: for an entity type of a file of
 *     several, the systems that hold a table of it, each with that table
 * @param references reference attribute → what it points at
 */
public record SyncConfig(
        String name,
        String entity,
        Attributes attributes,
        MatchKey matchKey,
        Rule defaultRule,
        List<String> priority,
        Map<String, Rule> rules,
        Map<String, Normalizer> compare,
        Completeness completeness,
        Writer writer,
        LoopBreaker loopBreaker,
        DeadLetterTable deadLetterTable,
        DeadLetterTopic deadLetterTopic,
        GoldenOutput goldenOutput,
        Audit audit,
        Safety safety,
        Map<String, SystemConfig> systems,
        Map<String, Reference> references)
        implements Serializable {

    /** This configuration with other attribute types (taken from the tables). */
    public SyncConfig withAttributes(Attributes typed) {
        return with(entity, typed, systems, references);
    }

    /** This configuration as entity type {@code entity} of a file of several. */
    SyncConfig asEntity(String entityName, Map<String, Reference> declared) {
        return with(entityName, attributes, systems, Map.copyOf(declared));
    }

    /** The configuration with these systems (read from their databases). */
    public SyncConfig withSystems(Map<String, SystemConfig> read) {
        return with(entity, attributes, read, references);
    }

    private SyncConfig with(
            String entityName,
            Attributes typed,
            Map<String, SystemConfig> read,
            Map<String, Reference> declared) {
        return new SyncConfig(
                name,
                entityName,
                typed,
                matchKey,
                defaultRule,
                priority,
                rules,
                compare,
                completeness,
                writer,
                loopBreaker,
                deadLetterTable,
                deadLetterTopic,
                goldenOutput,
                audit,
                safety,
                read,
                declared);
    }

    /**
     * @param delay a golden record is emitted once the watermark passes its last change + delay; it
     *     must cover the clock skew between the source databases
     * @param maxWait the longest a golden record with unemitted changes waits: one that keeps
     *     changing faster than {@code delay} is emitted this long after its first unemitted change
     *     (the conditional writes keep such an emission safe)
     * @param heartbeatInterval how often the job writes each source's heartbeat row
     * @param heartbeatTable the heartbeat table's name, in each source's table schema
     */
    public record Completeness(
            Duration delay, Duration maxWait, Duration heartbeatInterval, String heartbeatTable)
            implements Serializable {}

    /**
     * @param batchSize statements per JDBC batch
     * @param flushInterval longest time an intent waits in a writer's buffer
     * @param maxRetries attempts after a failed flush before the job fails (and restarts); not
     *     counted while the database is unreachable (see {@code outageTimeout})
     * @param retryBackoff wait before the first retry; doubles with every further one
     * @param maxBackoff the longest wait between two retries
     * @param outageTimeout how long a writer keeps retrying an unreachable database (holding its
     *     input back, which backpressures the job) before it fails the job so Flink restarts it
     * @param writesTable the job's table in each written system that records its write transactions
     *     (see {@code JobTables})
     * @param insertTimeout how long (event time) an insert may stay unconfirmed by its own CDC echo
     *     before the golden record may try again; the retry is still guarded by the conditional
     *     INSERT, so it can never create a duplicate. Each further retry waits twice as long
     * @param insertAttempts how often an unconfirmed insert is sent in all before the golden record
     *     gives up on it (a dead letter) until its values for that system change
     */
    public record Writer(
            int batchSize,
            Duration flushInterval,
            int maxRetries,
            Duration retryBackoff,
            Duration maxBackoff,
            Duration outageTimeout,
            String writesTable,
            Duration insertTimeout,
            int insertAttempts)
            implements Serializable {}

    /**
     * Stops a golden record that the job keeps rewriting without any outside change (two targets
     * reformatting the same value in opposite ways, say).
     *
     * @param maxWrites writes since the last outside change that are tolerated within {@code
     *     window}
     * @param window the event-time span the writes are counted in
     * @param freeze how long (event time) a golden record stays frozen before it is tried again
     */
    public record LoopBreaker(int maxWrites, Duration window, Duration freeze)
            implements Serializable {}

    /**
     * The table that stores dead letters.
     *
     * @param system the system whose database holds it (its connection is used)
     * @param table the table, in that system's table schema
     */
    public record DeadLetterTable(String system, String table) implements Serializable {}

    /**
     * Where the write audit goes: a table in a system's database, or a Kafka topic.
     *
     * @param system the system whose database holds the table (a PostgreSQL one); {@code null} for
     *     a topic
     * @param table the table, in that system's table schema; {@code null} for a topic
     * @param kafka the cluster of the topic; {@code null} for a table
     * @param topic the topic (entries keyed by golden id); {@code null} for a table
     */
    public record Audit(String system, String table, KafkaConnection kafka, String topic)
            implements Serializable {
        public static Audit table(String system, String table) {
            return new Audit(system, table, null, null);
        }

        public static Audit topic(KafkaConnection kafka, String topic) {
            return new Audit(null, null, kafka, topic);
        }

        public boolean toTopic() {
            return topic != null;
        }
    }

    /**
     * The mass-change circuit breaker: a system gets no more than this many writes within {@code
     * window}; past it, its writes are held until an operator confirms or raises the limit.
     *
     * @param percent the limit as a share of the system's rows (0–100], or {@code null}
     * @param writes the limit as a number of writes, or {@code null}
     * @param window the processing-time span the writes are counted in
     */
    public record Safety(Double percent, Integer writes, Duration window) implements Serializable {
        /** The number of writes allowed within the window to a table of {@code rows} rows. */
        public long limit(long rows) {
            return writes != null ? writes : Math.max(1, (long) Math.floor(rows * percent / 100));
        }

        /** The limit as configured, e.g. {@code 5%} or {@code 500}. */
        public String describe() {
            return writes != null
                    ? String.valueOf(writes)
                    : (percent == Math.rint(percent)
                                    ? String.valueOf(percent.longValue())
                                    : String.valueOf(percent))
                            + "%";
        }
    }

    /**
     * A reference attribute: in each system its column holds that system's primary key of a row of
     * another entity type; in the job it holds that row's golden record (its match key).
     *
     * @param entity the entity type it points at
     * @param maxWait how long (event time) a change waits for the row it points at to be known, and
     *     a write for the golden record it points at to be linked in the target, before either is
     *     reported as an unresolved reference
     * @param writeNull whether a write whose reference stays unresolved writes NULL there (else it
     *     stays a dead letter until the reference resolves)
     */
    public record Reference(String entity, Duration maxWait, boolean writeNull)
            implements Serializable {}

    /**
     * The attributes as golden records hold them: a reference holds the referenced golden record's
     * id, text whatever its columns' type.
     */
    public Attributes goldenAttributes() {
        List<ValueType> types = new ArrayList<>(attributes.types());
        for (int i = 0; i < types.size(); i++) {
            if (isReference(i)) {
                types.set(i, ValueType.TEXT);
            }
        }
        return attributes.withTypes(types);
    }

    /** Whether attribute {@code attribute} (by index) holds a reference to another entity type. */
    public boolean isReference(int attribute) {
        return references.containsKey(attributes.name(attribute));
    }

    /**
     * Whether a part of the match key is a reference (a join table): the key is then computed once
     * the references are resolved, and an insert is known in its target by its values.
     */
    public boolean matchesByReference() {
        return matchKey.attributes().stream().anyMatch(references::containsKey);
    }

    /**
     * A name for this entity type's operators, metrics, messages and audited golden ids: {@code
     * base} alone in a file of one entity type (so savepoints and audits of such a job keep their
     * names), else prefixed with the entity type, like {@code contacts:identity}.
     */
    public String scoped(String base) {
        return entity == null ? base : entity + ":" + base;
    }

    /** The match key's attribute indexes, in key order. */
    public int[] matchKeyIndexes() {
        return matchKey.indexes(attributes);
    }

    public SystemConfig system(String systemName) {
        SystemConfig system = systems.get(systemName);
        if (system == null) {
            throw new IllegalArgumentException("unknown system " + systemName);
        }
        return system;
    }

    public Survivorship survivorship() {
        Rule[] perAttribute = new Rule[attributes.size()];
        for (int i = 0; i < perAttribute.length; i++) {
            perAttribute[i] = rules.getOrDefault(attributes.name(i), defaultRule);
        }
        return new Survivorship(perAttribute, priority);
    }

    public ValueComparison comparison() {
        Normalizer[] perAttribute = new Normalizer[attributes.size()];
        for (int i = 0; i < perAttribute.length; i++) {
            perAttribute[i] = compare.getOrDefault(attributes.name(i), Normalizer.TRIM);
        }
        return new ValueComparison(perAttribute);
    }
}
