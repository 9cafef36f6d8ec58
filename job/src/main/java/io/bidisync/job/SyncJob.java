package io.bidisync.job;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.audit.AuditSink;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.deadletter.DeadLetterSink;
import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.golden.GoldenRecord;
import io.bidisync.job.golden.GoldenRecordFunction;
import io.bidisync.job.golden.GoldenTopicSink;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.identity.LinkChange;
import io.bidisync.job.identity.RecordIdentityFunction;
import io.bidisync.job.reference.ReferenceGate;
import io.bidisync.job.reference.ReferenceRequests;
import io.bidisync.job.reference.ReferenceResolver;
import io.bidisync.job.reference.ReferenceTranslator;
import io.bidisync.job.reference.Resolution;
import io.bidisync.job.safety.WriteBreaker;
import io.bidisync.job.sink.JdbcSyncSink;
import io.bidisync.job.source.ChangeParser;
import io.bidisync.job.source.CommitTimeWatermarks;
import io.bidisync.job.source.DebeziumTopicSource;
import io.bidisync.job.source.DropHeartbeats;
import io.bidisync.job.source.PostgresChangeSource;
import io.bidisync.job.source.RecordChange;
import io.bidisync.job.source.SourceEvent;
import io.bidisync.job.upgrade.Upgrade;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateRecoveryOptions;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Assembles the sync job's graph:
 *
 * <pre>
 * per system: CDC source or Debezium topic (every entity type's table there)
 *   → per entity type: parse into its global model → commit-time watermarks → drop heartbeats
 *   → union → [resolve references: keyBy(referenced row) against the referenced entity type's
 *      identities → keyBy(record): gate] → keyBy(system, primary key): record identity
 *   → keyBy(match key): golden record, completeness gate, write decisions
 *   → [per reference: keyBy(referenced golden record): translate to each target's ids]
 *   → per system: route → conditional JDBC writer
 *   (→ golden output topic, when configured)
 * </pre>
 *
 * <p>Entity types come referenced ones first ({@link JobConfig}), so the identities a reference is
 * resolved against are built before it. Sources and sinks are passed in, so tests can swap them;
 * {@link #ofDatabases} wires the real ones. The graph's shape depends only on the configuration,
 * and every operator has a stable uid (in a file of one entity type, the uids it always had), so
 * savepoints survive upgrades.
 */
public final class SyncJob {

    /** Builds the change source of one system: its change events, decoded. */
    @FunctionalInterface
    public interface Sources {
        Source<SourceEvent, ?, ?> changesOf(SystemConfig system);
    }

    /** Builds the writer of one entity type's table in one system. */
    @FunctionalInterface
    public interface Sinks {
        Sink<WriteIntent> writesTo(SyncConfig entity, SystemConfig system);
    }

    private final JobConfig job;
    private final Sources sources;
    private final Sinks sinks;
    private final Sink<DeadLetter> deadLetterSink;
    private final Function<SyncConfig, Sink<GoldenRecord>> goldenSinks;
    private final Sink<AuditEntry> auditSink;
    private final List<Upgrade> upgrades;

    /** Whether writes get each target's own keys for references (not in a plan, which does it). */
    private final boolean translating;

    /**
     * The job of one entity type.
     *
     * @param goldenSink where golden records are published; {@code null} for nowhere
     * @param auditSink where the golden stage's decisions are audited; {@code null} for nowhere
     */
    public SyncJob(
            SyncConfig config,
            Sources sources,
            Sinks sinks,
            Sink<DeadLetter> deadLetterSink,
            Sink<GoldenRecord> goldenSink,
            Sink<AuditEntry> auditSink) {
        this(
                JobConfig.of(config),
                sources,
                sinks,
                deadLetterSink,
                entity -> goldenSink,
                auditSink,
                List.of(Upgrade.fresh(config)),
                true);
    }

    /**
     * The job of {@code job}'s entity types over the given sources and sinks, its references left
     * as golden records (what a plan shows and translates with what it knows).
     */
    public static SyncJob planned(
            JobConfig job,
            Sources sources,
            Sinks sinks,
            Sink<DeadLetter> deadLetterSink,
            Sink<GoldenRecord> goldenSink) {
        return new SyncJob(
                job,
                sources,
                sinks,
                deadLetterSink,
                entity -> goldenSink,
                null,
                job.entities().stream().map(Upgrade::fresh).toList(),
                false);
    }

    private SyncJob(
            JobConfig job,
            Sources sources,
            Sinks sinks,
            Sink<DeadLetter> deadLetterSink,
            Function<SyncConfig, Sink<GoldenRecord>> goldenSinks,
            Sink<AuditEntry> auditSink,
            List<Upgrade> upgrades,
            boolean translating) {
        this.job = job;
        this.translating = translating;
        this.sources = sources;
        this.sinks = sinks;
        this.deadLetterSink = deadLetterSink;
        this.goldenSinks = goldenSinks;
        this.auditSink = auditSink;
        this.upgrades = upgrades;
    }

    /**
     * The same job continuing the state of a savepoint as {@code upgrades} say, one per entity type
     * in job order (see {@link Upgrade#of}); without them, the job starts as if without state.
     */
    public SyncJob continuing(List<Upgrade> upgrades) {
        return new SyncJob(
                job,
                sources,
                sinks,
                deadLetterSink,
                goldenSinks,
                auditSink,
                List.copyOf(upgrades),
                translating);
    }

    /** The job of one entity type continuing the state of a savepoint as {@code upgrade} says. */
    public SyncJob continuing(Upgrade upgrade) {
        return continuing(List.of(upgrade));
    }

    /** The job of one entity type against the configured databases and topics. */
    public static SyncJob ofDatabases(SyncConfig config) {
        return ofDatabases(JobConfig.of(config));
    }

    /** The job against the configured databases and topics. */
    public static SyncJob ofDatabases(JobConfig job) {
        SyncConfig first = job.entities().get(0);
        return new SyncJob(
                job,
                system ->
                        system.readByCdc()
                                ? PostgresChangeSource.create(job, system)
                                : DebeziumTopicSource.create(system),
                (entity, system) -> new JdbcSyncSink(entity, system.name()),
                new DeadLetterSink(first),
                entity ->
                        entity.goldenOutput() == null
                                ? null
                                : GoldenTopicSink.create(
                                        entity.goldenOutput(), entity.goldenAttributes()),
                first.audit() == null ? null : new AuditSink(first),
                job.entities().stream().map(Upgrade::fresh).toList(),
                true);
    }

    /**
     * Creates what the job needs in the databases before it starts: the job's tables where missing,
     * and each CDC system's replication slot. From then on, every change reaches the job.
     */
    public static void prepareDatabases(JobConfig job) throws SQLException {
        for (SyncConfig entity : job.entities()) {
            JobTables.ensure(entity);
        }
        for (SystemConfig system : job.systems().values()) {
            if (system.readByCdc()) {
                PostgresChangeSource.ensureSlot(job, system);
            }
        }
    }

    /** {@link #prepareDatabases(JobConfig)} for the job of one entity type. */
    public static void prepareDatabases(SyncConfig config) throws SQLException {
        prepareDatabases(JobConfig.of(config));
    }

    /**
     * The keyed stages: every record's identity, keyed by (system, primary key), then the golden
     * records, keyed by match key. Public for the benchmark that runs these stages alone.
     */
    public static SingleOutputStreamOperator<WriteIntent> goldenRecords(
            SyncConfig config, DataStream<RecordChange> changes) {
        Upgrade fresh = Upgrade.fresh(config);
        return golden(config, identities(config, changes, fresh), false, fresh);
    }

    /** The identity stage: which golden record each record is linked to. */
    private static DataStream<LinkChange> identities(
            SyncConfig config, DataStream<RecordChange> changes, Upgrade upgrade) {
        return changes.keyBy(RecordChange::recordKey)
                .process(
                        new RecordIdentityFunction(
                                config.attributes().size(),
                                config.completeness().delay().toMillis(),
                                upgrade.reread()))
                .uid(config.scoped("identity"))
                .name(config.scoped("identity: follow each record's match key"));
    }

    /**
     * The golden stage, with golden records on {@link GoldenRecordFunction#GOLDEN_RECORDS} when
     * {@code publishing}.
     */
    private static SingleOutputStreamOperator<WriteIntent> golden(
            SyncConfig config, DataStream<LinkChange> links, boolean publishing, Upgrade upgrade) {
        return links.keyBy(LinkChange::matchKey)
                .process(new GoldenRecordFunction(config, publishing, upgrade.shape()))
                // Was "golden" while the stage kept six states per record: a savepoint of that
                // layout must fail to restore here, not restore as empty golden records.
                .uid(config.scoped("golden-record"))
                .name(config.scoped("golden: merge, wait for completeness, decide writes"));
    }

    /**
     * Per entity type (in job order) its golden stage's write decisions, references as golden
     * records (with golden records and dead letters of the stage as side outputs), and every dead
     * letter: for callers that look at what the job decides.
     */
    public record Decisions(
            List<SingleOutputStreamOperator<WriteIntent>> golden,
            DataStream<DeadLetter> deadLetters) {}

    /** Adds the job's operators to {@code env}. */
    public Decisions build(StreamExecutionEnvironment env) {
        if (upgrades.stream().anyMatch(Upgrade::rereads)) {
            // A source read again starts under a new uid: the state of the one it replaces is
            // left behind on purpose.
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
            env.configure(restore);
        }
        Upgrade first = upgrades.get(0);
        Map<String, DataStream<SourceEvent>> events = new LinkedHashMap<>();
        for (SystemConfig system : job.systems().values()) {
            String name = system.name();
            // One reader per system, for all its tables: a replication slot is read by one reader
            // anyway, and a single reader cannot leave an idle sibling that holds the watermark
            // back.
            events.put(
                    name,
                    env.fromSource(
                                    sources.changesOf(system),
                                    WatermarkStrategy.noWatermarks(),
                                    name
                                            + (system.readByCdc()
                                                    ? ": read changes (CDC)"
                                                    : ": read changes (Debezium topic)"))
                            .uid(first.sourceUid(name))
                            .setParallelism(1));
        }

        DataStream<DeadLetter> deadLetters = null;
        DataStream<AuditEntry> audits = null;
        Map<String, DataStream<LinkChange>> identities = new HashMap<>();
        List<SingleOutputStreamOperator<WriteIntent>> decisions = new ArrayList<>();
        for (int e = 0; e < job.entities().size(); e++) {
            SyncConfig entity = job.entities().get(e);
            Upgrade upgrade = upgrades.get(e);
            DataStream<RecordChange> changes = null;
            for (SystemConfig system : entity.systems().values()) {
                String name = system.name();
                SingleOutputStreamOperator<RecordChange> parsed =
                        events.get(name)
                                .process(
                                        new ChangeParser(entity, system, otherTables(entity, name)))
                                .uid(entity.scoped("parse-" + name))
                                .name(entity.scoped(name + ": map to global model"))
                                .setParallelism(1);
                DataStream<RecordChange> timed =
                        parsed.assignTimestampsAndWatermarks(CommitTimeWatermarks.strategy())
                                .uid(entity.scoped("watermarks-" + name))
                                .name(entity.scoped(name + ": commit-time watermarks"))
                                .setParallelism(1)
                                .process(new DropHeartbeats(name))
                                .uid(entity.scoped("drop-heartbeats-" + name))
                                .name(entity.scoped(name + ": watermark lag, drop heartbeats"))
                                .setParallelism(1);
                changes = changes == null ? timed : changes.union(timed);
                deadLetters = union(deadLetters, parsed.getSideOutput(DeadLetters.TAG));
            }
            if (!entity.references().isEmpty()) {
                SingleOutputStreamOperator<RecordChange> gated =
                        resolved(entity, changes, identities);
                deadLetters = union(deadLetters, gated.getSideOutput(DeadLetters.TAG));
                changes = gated;
            }
            DataStream<LinkChange> links = identities(entity, changes, upgrade);
            identities.put(entity.entity(), links);
            Sink<GoldenRecord> goldenSink = goldenSinks.apply(entity);
            SingleOutputStreamOperator<WriteIntent> decided =
                    golden(entity, links, goldenSink != null, upgrade);
            decisions.add(decided);
            deadLetters = union(deadLetters, decided.getSideOutput(DeadLetters.TAG));
            if (auditSink != null) {
                audits = union(audits, decided.getSideOutput(GoldenRecordFunction.AUDIT));
            }
            if (goldenSink != null) {
                decided.getSideOutput(GoldenRecordFunction.GOLDEN_RECORDS)
                        .sinkTo(goldenSink)
                        .uid(entity.scoped("golden-output"))
                        .name(entity.scoped("golden output (Kafka)"));
            }
            DataStream<WriteIntent> writes = decided;
            for (int attribute = 0; attribute < entity.attributes().size(); attribute++) {
                if (translating && entity.isReference(attribute)) {
                    SingleOutputStreamOperator<WriteIntent> translated =
                            translated(entity, attribute, writes, identities);
                    deadLetters = union(deadLetters, translated.getSideOutput(DeadLetters.TAG));
                    writes = translated;
                }
            }
            write(entity, writes);
        }
        if (audits != null) {
            audits.sinkTo(auditSink).uid("audit").name("write audit (decisions)");
        }
        deadLetters
                .sinkTo(deadLetterSink)
                .uid("dead-letters")
                .name("dead letters")
                .setParallelism(1);
        return new Decisions(decisions, deadLetters);
    }

    /**
     * The changes with their references resolved: per reference attribute, each change asks the
     * referenced row's resolver (keyed like the referenced entity type's identities) which golden
     * record the row stands for; the gate, keyed by record, lets a change pass once it knows.
     */
    private static SingleOutputStreamOperator<RecordChange> resolved(
            SyncConfig entity,
            DataStream<RecordChange> changes,
            Map<String, DataStream<LinkChange>> identities) {
        DataStream<Resolution> answers = null;
        for (int attribute = 0; attribute < entity.attributes().size(); attribute++) {
            if (!entity.isReference(attribute)) {
                continue;
            }
            String name = entity.attributes().name(attribute);
            String target = entity.references().get(name).entity();
            DataStream<Resolution> resolved =
                    changes.flatMap(new ReferenceRequests(attribute))
                            .uid(entity.scoped("reference-requests-" + name))
                            .name(entity.scoped(name + ": ask for the referenced row"))
                            .keyBy(request -> request.referenced())
                            .connect(
                                    identities
                                            .get(target)
                                            .filter(link -> link.localId() != null)
                                            .uid(entity.scoped("rows-of-" + name))
                                            .name(entity.scoped(target + " rows for " + name))
                                            .keyBy(link -> link.system() + '/' + link.localId()))
                            .process(new ReferenceResolver())
                            .uid(entity.scoped("resolve-" + name))
                            .name(entity.scoped(name + ": resolve to a golden " + target));
            answers = answers == null ? resolved : answers.union(resolved);
        }
        return changes.keyBy(RecordChange::recordKey)
                .connect(answers.keyBy(Resolution::referrer))
                .process(new ReferenceGate(entity))
                .uid(entity.scoped("reference-gate"))
                .name(entity.scoped("references: wait until resolved"));
    }

    /** The writes with reference {@code attribute} as each target's own key of the row. */
    private static SingleOutputStreamOperator<WriteIntent> translated(
            SyncConfig entity,
            int attribute,
            DataStream<WriteIntent> writes,
            Map<String, DataStream<LinkChange>> identities) {
        String name = entity.attributes().name(attribute);
        String target = entity.references().get(name).entity();
        return writes.keyBy(ReferenceTranslator.keyOf(attribute))
                .connect(identities.get(target).keyBy(LinkChange::matchKey))
                .process(new ReferenceTranslator(entity, attribute))
                .uid(entity.scoped("translate-" + name))
                .name(entity.scoped(name + ": to each target's " + target + " key"));
    }

    /** The mass-change breaker (when configured), then one conditional writer per system. */
    private void write(SyncConfig entity, DataStream<WriteIntent> writes) {
        if (entity.safety() != null) {
            // Keyed by system: one breaker sees all of a system's writes, and they stay on one
            // writer subtask, in order.
            writes =
                    writes.keyBy(WriteIntent::system)
                            .process(new WriteBreaker(entity))
                            .uid(entity.scoped("safety"))
                            .name(entity.scoped("safety: mass-change breaker per system"));
        }
        for (SystemConfig system : entity.systems().values()) {
            String name = system.name();
            writes.filter(intent -> intent.system().equals(name))
                    .uid(entity.scoped("route-" + name))
                    .name(entity.scoped("route → " + name))
                    .sinkTo(sinks.writesTo(entity, system))
                    .uid(entity.scoped("write-" + name))
                    .name(entity.scoped(name + ": conditional writes (JDBC)"));
        }
    }

    /** The tables of the system's other entity types, which its source also reads. */
    private Set<String> otherTables(SyncConfig entity, String system) {
        Set<String> others = new LinkedHashSet<>();
        for (SyncConfig other : job.entitiesIn(system)) {
            if (other != entity) {
                others.add(other.system(system).table().table());
            }
        }
        return others;
    }

    private static <T> DataStream<T> union(DataStream<T> all, DataStream<T> more) {
        return all == null ? more : all.union(more);
    }
}
