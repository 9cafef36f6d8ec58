package io.bidisync.job;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.audit.AuditSink;
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
import io.bidisync.job.safety.WriteBreaker;
import io.bidisync.job.sink.JdbcSyncSink;
import io.bidisync.job.source.ChangeParser;
import io.bidisync.job.source.CommitTimeWatermarks;
import io.bidisync.job.source.DebeziumTopicSource;
import io.bidisync.job.source.DropHeartbeats;
import io.bidisync.job.source.PostgresChangeSource;
import io.bidisync.job.source.RecordChange;
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

/**
 * Assembles the sync job's graph:
 *
 * <pre>
 * per system: CDC source or Debezium topic → parse into the global model → commit-time watermarks
 *   → drop heartbeats → union → keyBy(system, primary key): record identity
 *   → keyBy(match key): golden record, completeness gate, write decisions
 *   → per system: route → conditional JDBC writer
 *   (→ golden output topic, when configured)
 * </pre>
 *
 * <p>Sources and sinks are passed in, so tests can swap them; {@link #ofDatabases} wires the real
 * ones. The graph's shape depends only on the configured systems, and every operator has a stable
 * uid, so savepoints survive upgrades.
 */
public final class SyncJob {

    /** Builds the change source of one system: Debezium JSON change events. */
    @FunctionalInterface
    public interface Sources {
        Source<String, ?, ?> changesOf(SystemConfig system);
    }

    /** Builds the writer of one system. */
    @FunctionalInterface
    public interface Sinks {
        Sink<WriteIntent> writesTo(SystemConfig system);
    }

    private final SyncConfig config;
    private final Sources sources;
    private final Sinks sinks;
    private final Sink<DeadLetter> deadLetterSink;
    private final Sink<GoldenRecord> goldenSink;
    private final Sink<AuditEntry> auditSink;
    private final Upgrade upgrade;

    /**
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
        this(config, sources, sinks, deadLetterSink, goldenSink, auditSink, Upgrade.fresh(config));
    }

    private SyncJob(
            SyncConfig config,
            Sources sources,
            Sinks sinks,
            Sink<DeadLetter> deadLetterSink,
            Sink<GoldenRecord> goldenSink,
            Sink<AuditEntry> auditSink,
            Upgrade upgrade) {
        this.config = config;
        this.sources = sources;
        this.sinks = sinks;
        this.deadLetterSink = deadLetterSink;
        this.goldenSink = goldenSink;
        this.auditSink = auditSink;
        this.upgrade = upgrade;
    }

    /**
     * The same job continuing the state of a savepoint as {@code upgrade} says (see {@link
     * Upgrade#of}); without it, the job starts as if without state.
     */
    public SyncJob continuing(Upgrade upgrade) {
        return new SyncJob(config, sources, sinks, deadLetterSink, goldenSink, auditSink, upgrade);
    }

    /** The job against the configured databases and topics. */
    public static SyncJob ofDatabases(SyncConfig config) {
        return new SyncJob(
                config,
                system ->
                        system.readByCdc()
                                ? PostgresChangeSource.create(config, system)
                                : DebeziumTopicSource.create(system),
                system -> new JdbcSyncSink(config, system.name()),
                new DeadLetterSink(config),
                config.goldenOutput() == null
                        ? null
                        : GoldenTopicSink.create(config.goldenOutput(), config.attributes()),
                config.audit() == null ? null : new AuditSink(config));
    }

    /**
     * Creates what the job needs in the databases before it starts: the job's tables where missing,
     * and each CDC system's replication slot. From then on, every change reaches the job.
     */
    public static void prepareDatabases(SyncConfig config) throws SQLException {
        JobTables.ensure(config);
        for (SystemConfig system : config.systems().values()) {
            if (system.readByCdc()) {
                PostgresChangeSource.ensureSlot(config, system);
            }
        }
    }

    /**
     * The keyed stages: every record's identity, keyed by (system, primary key), then the golden
     * records, keyed by match key. Public for the benchmark that runs these stages alone.
     */
    public static SingleOutputStreamOperator<WriteIntent> goldenRecords(
            SyncConfig config, DataStream<RecordChange> changes) {
        return goldenRecords(config, changes, config.goldenOutput() != null, Upgrade.fresh(config));
    }

    /**
     * The keyed stages, with golden records on {@link GoldenRecordFunction#GOLDEN_RECORDS} when
     * {@code publishing}.
     */
    private static SingleOutputStreamOperator<WriteIntent> goldenRecords(
            SyncConfig config,
            DataStream<RecordChange> changes,
            boolean publishing,
            Upgrade upgrade) {
        DataStream<LinkChange> links =
                changes.keyBy(RecordChange::recordKey)
                        .process(
                                new RecordIdentityFunction(
                                        config.attributes().size(),
                                        config.completeness().delay().toMillis(),
                                        upgrade.reread()))
                        .uid("identity")
                        .name("identity: follow each record's match key");
        return links.keyBy(LinkChange::matchKey)
                .process(new GoldenRecordFunction(config, publishing, upgrade.shape()))
                // Was "golden" while the stage kept six states per record: a savepoint of that
                // layout must fail to restore here, not restore as empty golden records.
                .uid("golden-record")
                .name("golden: merge, wait for completeness, decide writes");
    }

    /**
     * The write decisions (with golden records and dead letters of the golden stage as side
     * outputs) and every dead letter, for callers that look at what the job decides.
     */
    public record Decisions(
            SingleOutputStreamOperator<WriteIntent> intents, DataStream<DeadLetter> deadLetters) {}

    /** Adds the job's operators to {@code env}. */
    public Decisions build(StreamExecutionEnvironment env) {
        if (upgrade.rereads()) {
            // A source read again starts under a new uid: the state of the one it replaces is
            // left behind on purpose.
            Configuration restore = new Configuration();
            restore.set(StateRecoveryOptions.SAVEPOINT_IGNORE_UNCLAIMED_STATE, true);
            env.configure(restore);
        }
        DataStream<RecordChange> changes = null;
        DataStream<DeadLetter> deadLetters = null;
        for (SystemConfig system : config.systems().values()) {
            String name = system.name();
            // One reader per system: a replication slot is read by one reader anyway, and a
            // single reader cannot leave an idle sibling that holds the watermark back.
            SingleOutputStreamOperator<RecordChange> parsed =
                    env.fromSource(
                                    sources.changesOf(system),
                                    WatermarkStrategy.noWatermarks(),
                                    name
                                            + (system.readByCdc()
                                                    ? ": read changes (CDC)"
                                                    : ": read changes (Debezium topic)"))
                            .uid(upgrade.sourceUid(name))
                            .setParallelism(1)
                            .process(new ChangeParser(config, system))
                            .uid("parse-" + name)
                            .name(name + ": map to global model")
                            .setParallelism(1);
            DataStream<RecordChange> timed =
                    parsed.assignTimestampsAndWatermarks(CommitTimeWatermarks.strategy())
                            .uid("watermarks-" + name)
                            .name(name + ": commit-time watermarks")
                            .setParallelism(1)
                            .process(new DropHeartbeats(name))
                            .uid("drop-heartbeats-" + name)
                            .name(name + ": watermark lag, drop heartbeats")
                            .setParallelism(1);
            changes = changes == null ? timed : changes.union(timed);
            DataStream<DeadLetter> bad = parsed.getSideOutput(DeadLetters.TAG);
            deadLetters = deadLetters == null ? bad : deadLetters.union(bad);
        }

        SingleOutputStreamOperator<WriteIntent> intents =
                goldenRecords(config, changes, goldenSink != null, upgrade);
        deadLetters = deadLetters.union(intents.getSideOutput(DeadLetters.TAG));

        DataStream<WriteIntent> writes = intents;
        if (config.safety() != null) {
            // Keyed by system: one breaker sees all of a system's writes, and they stay on one
            // writer subtask, in order.
            writes =
                    intents.keyBy(WriteIntent::system)
                            .process(new WriteBreaker(config))
                            .uid("safety")
                            .name("safety: mass-change breaker per system");
        }
        for (SystemConfig system : config.systems().values()) {
            String name = system.name();
            writes.filter(intent -> intent.system().equals(name))
                    .uid("route-" + name)
                    .name("route → " + name)
                    .sinkTo(sinks.writesTo(system))
                    .uid("write-" + name)
                    .name(name + ": conditional writes (JDBC)");
        }
        if (goldenSink != null) {
            intents.getSideOutput(GoldenRecordFunction.GOLDEN_RECORDS)
                    .sinkTo(goldenSink)
                    .uid("golden-output")
                    .name("golden output (Kafka)");
        }
        if (auditSink != null) {
            intents.getSideOutput(GoldenRecordFunction.AUDIT)
                    .sinkTo(auditSink)
                    .uid("audit")
                    .name("write audit (decisions)");
        }
        deadLetters
                .sinkTo(deadLetterSink)
                .uid("dead-letters")
                .name("dead letters")
                .setParallelism(1);
        return new Decisions(intents, deadLetters);
    }
}
