package io.bidisync.job.plan;

import io.bidisync.job.SyncJob;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.deadletter.DeadLetter;
import io.bidisync.job.golden.GoldenRecord;
import io.bidisync.job.golden.GoldenRecordFunction;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.metrics.SyncMetrics;
import io.bidisync.job.sink.SqlStatements;
import io.bidisync.job.source.DebeziumTopicSource;
import io.bidisync.job.source.PostgresChangeSource;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.apache.flink.util.CloseableIterator;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Computes a {@link Plan}: the job's own graph ({@link SyncJob}) over bounded sources — the CDC
 * snapshot of a PostgreSQL system, the change topic up to its current end for a system read from
 * Kafka — with every writer replaced by a collector. Matching, survivorship and the write decisions
 * are the job's code; when the snapshots end, the watermark reaches the end of time and every
 * golden record is decided once — the first round the job would decide, before its own writes come
 * back.
 *
 * <p>Nothing is written to the systems: the snapshot reads the tables, the duplicate guard of a
 * planned insert is asked with a SELECT. The CDC enumerator creates a replication slot even for a
 * snapshot; each system gets a throw-away one, dropped when the plan ends. A topic is read under a
 * consumer group of its own that commits no offsets.
 */
public final class Planner {
    private static final Logger LOG = LoggerFactory.getLogger(Planner.class);

    /** Told the rows read so far per system, about once a second while the snapshots run. */
    @FunctionalInterface
    public interface Progress {
        void rowsRead(Map<String, Long> read, Map<String, Long> total);

        /** A step after the reading. */
        default void step(String what) {}
    }

    private Planner() {}

    /**
     * Runs the plan in {@code env} (a local environment whose REST endpoint is {@code metrics}).
     */
    public static Plan plan(
            SyncConfig config,
            StreamExecutionEnvironment env,
            RestMetrics metrics,
            Progress progress)
            throws Exception {
        return plan(JobConfig.of(config), env, metrics, progress).get(0);
    }

    /**
     * Runs the plan of every entity type of {@code job}, one graph over one snapshot per system,
     * and returns one plan per entity type in job order: referenced entity types, whose inserts
     * come first, before the ones that reference them. References are shown in each system's own
     * keys ({@link PlannedReferences}).
     */
    public static List<Plan> plan(
            JobConfig job, StreamExecutionEnvironment env, RestMetrics metrics, Progress progress)
            throws Exception {
        List<Map<String, Long>> rows = new ArrayList<>();
        Map<String, Long> total = new LinkedHashMap<>();
        for (SyncConfig entity : job.entities()) {
            Map<String, Long> counted = new LinkedHashMap<>();
            for (SystemConfig system : entity.systems().values()) {
                long n = count(system);
                counted.put(system.name(), n);
                total.merge(system.name(), n, Long::sum);
            }
            rows.add(counted);
        }
        Map<String, String> slots = new LinkedHashMap<>();
        String id = UUID.randomUUID().toString().substring(0, 8);
        String suffix = "_plan_" + id;
        for (SystemConfig system : job.systems().values()) {
            String slot = system.slotName(job.name());
            slots.put(system.name(), slot.substring(0, Math.min(slot.length(), 49)) + suffix);
        }
        SyncJob graph =
                SyncJob.planned(
                        job,
                        system ->
                                system.readByCdc()
                                        ? PostgresChangeSource.snapshot(
                                                job, system, slots.get(system.name()))
                                        : DebeziumTopicSource.toTheEnd(
                                                system, "bidisync-plan-" + id),
                        (entity, system) -> new DiscardingSink<>(),
                        new DiscardingSink<>(),
                        new DiscardingSink<>());
        SyncJob.Decisions decisions = graph.build(env);
        List<CloseableIterator<WriteIntent>> intents = new ArrayList<>();
        List<CloseableIterator<GoldenRecord>> golden = new ArrayList<>();
        for (var decided : decisions.golden()) {
            intents.add(decided.collectAsync());
            golden.add(decided.getSideOutput(GoldenRecordFunction.GOLDEN_RECORDS).collectAsync());
        }
        CloseableIterator<DeadLetter> deadLetters = decisions.deadLetters().collectAsync();
        try {
            JobClient client = env.executeAsync("bidisync plan " + job.name());
            // Each collector is drained on its own: a full one would hold up the job.
            List<CompletableFuture<List<WriteIntent>>> writes =
                    intents.stream().map(Planner::drain).toList();
            List<CompletableFuture<List<GoldenRecord>>> records =
                    golden.stream().map(Planner::drain).toList();
            CompletableFuture<List<DeadLetter>> dead = drain(deadLetters);
            List<CompletableFuture<?>> every = new ArrayList<>(writes);
            every.addAll(records);
            every.add(dead);
            CompletableFuture<Void> all =
                    CompletableFuture.allOf(every.toArray(new CompletableFuture<?>[0]));
            while (!all.isDone()) {
                try {
                    all.get(1, TimeUnit.SECONDS);
                } catch (TimeoutException e) {
                    progress.rowsRead(read(metrics, client, total.keySet()), total);
                }
            }
            client.getJobExecutionResult().get();
            progress.step("decided; asking the duplicate guards about the planned inserts");
            List<Plan> plans = new ArrayList<>();
            for (int e = 0; e < job.entities().size(); e++) {
                SyncConfig config = job.entities().get(e);
                // Sorted, so the same data gives the same report whatever the subtasks' timing.
                List<String> order = List.copyOf(config.systems().keySet());
                List<WriteIntent> decided =
                        firstDecisions(writes.get(e).get()).stream()
                                .sorted(
                                        Comparator.comparing(
                                                        (WriteIntent w) ->
                                                                order.indexOf(w.system()))
                                                .thenComparing(WriteIntent::goldenKey)
                                                .thenComparing(w -> String.valueOf(w.localId())))
                                .toList();
                plans.add(
                        new Plan(
                                config.entity() == null
                                        ? config.name()
                                        : config.name() + " " + config.entity(),
                                config.attributes().names(),
                                rows.get(e),
                                records.get(e).get().stream()
                                        .filter(g -> !g.deleted())
                                        .sorted(Comparator.comparing(GoldenRecord::id))
                                        .toList(),
                                decided,
                                blocked(config, decided),
                                deadLettersOf(job, e, dead.get())));
            }
            return PlannedReferences.translate(job, plans);
        } finally {
            dropSlots(job, slots);
        }
    }

    /** The dead letters of entity type {@code index}: their operation names it. */
    private static List<DeadLetter> deadLettersOf(JobConfig job, int index, List<DeadLetter> all) {
        if (!job.hasEntityTypes()) {
            return all;
        }
        String prefix = job.entities().get(index).scoped("");
        return all.stream().filter(d -> d.operation().startsWith(prefix)).toList();
    }

    /**
     * The writes of the first decision per golden record and target row: the plan sees no echoes,
     * so a decision the job would take again only after its own write came back is not repeated.
     */
    private static List<WriteIntent> firstDecisions(List<WriteIntent> writes) {
        Set<String> seen = new HashSet<>();
        List<WriteIntent> out = new ArrayList<>();
        for (WriteIntent w : writes) {
            if (seen.add(
                    w.system() + '|' + w.operation() + '|' + w.goldenKey() + '|' + w.localId())) {
                out.add(w);
            }
        }
        return out;
    }

    private static <T> CompletableFuture<List<T>> drain(CloseableIterator<T> iterator) {
        return CompletableFuture.supplyAsync(
                () -> {
                    List<T> out = new ArrayList<>();
                    try (iterator) {
                        iterator.forEachRemaining(out::add);
                    } catch (Exception e) {
                        throw new IllegalStateException(e);
                    }
                    return out;
                });
    }

    private static Map<String, Long> read(
            RestMetrics metrics, JobClient client, Set<String> systems) {
        Map<String, Long> read = new LinkedHashMap<>();
        try {
            Map<String, Long> totals = metrics.totals(client.getJobID());
            for (String system : systems) {
                read.put(
                        system,
                        totals.getOrDefault("system." + system + "." + SyncMetrics.RECORDS_IN, 0L));
            }
        } catch (Exception e) {
            // Progress is a courtesy: metrics not there yet, or the job just ended.
            LOG.debug("no progress metrics", e);
        }
        return read;
    }

    private static long count(SystemConfig system) throws SQLException {
        try (Connection c = Database.connect(system)) {
            return Database.rowCount(c, system);
        }
    }

    /** The planned inserts the target's duplicate guard would block, as {@code system/key}. */
    private static Set<String> blocked(SyncConfig config, List<WriteIntent> writes)
            throws SQLException {
        Set<String> blocked = new HashSet<>();
        for (SystemConfig system : config.systems().values()) {
            List<WriteIntent> inserts =
                    writes.stream()
                            .filter(
                                    w ->
                                            w.system().equals(system.name())
                                                    && w.operation()
                                                            == WriteIntent.Operation.INSERT)
                            .toList();
            if (inserts.isEmpty()) {
                continue;
            }
            String sql =
                    SqlStatements.guardedKeys(
                            system, system.mapping(config.attributes()), config.matchKey());
            int parts = config.matchKey().size();
            // One scan of the table, not one query per planned insert.
            Set<List<String>> keys = new HashSet<>();
            try (Connection c = Database.connect(system);
                    PreparedStatement st = c.prepareStatement(sql);
                    ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    List<String> key = new ArrayList<>(parts);
                    for (int i = 1; i <= parts; i++) {
                        key.add(rs.getString(i));
                    }
                    keys.add(key);
                }
            }
            SqlDialect dialect = SqlDialect.of(system);
            for (WriteIntent insert : inserts) {
                if (guardBlocks(dialect, config.matchKey().split(insert.goldenKey()), keys)) {
                    blocked.add(system.name() + '/' + insert.goldenKey());
                }
            }
        }
        return blocked;
    }

    /** Whether a row's key has, for every part, one of the forms the guard compares with. */
    private static boolean guardBlocks(
            SqlDialect dialect, List<String> goldenKey, Set<List<String>> rows) {
        List<List<String>> candidates = List.of(List.of());
        for (String part : goldenKey) {
            List<List<String>> longer = new ArrayList<>();
            for (List<String> prefix : candidates) {
                for (String form : dialect.keyParameters(part)) {
                    List<String> next = new ArrayList<>(prefix);
                    next.add(form);
                    longer.add(next);
                }
            }
            candidates = longer;
        }
        return candidates.stream().anyMatch(rows::contains);
    }

    /** Drops the plan's throw-away slots and publications. */
    private static void dropSlots(JobConfig job, Map<String, String> slots) {
        for (SystemConfig system : job.systems().values()) {
            if (!system.readByCdc()) {
                continue;
            }
            String slot = slots.get(system.name());
            try (Connection c = Database.connect(system);
                    PreparedStatement st =
                            c.prepareStatement(
                                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                            + " WHERE slot_name = ?");
                    Statement ddl = c.createStatement()) {
                st.setString(1, slot);
                st.executeQuery().close();
                String publication =
                        PostgresChangeSource.snapshotPublication(job.name(), system, slot);
                if (publication.equals(slot)) {
                    ddl.execute(
                            "DROP PUBLICATION IF EXISTS " + SqlDialect.POSTGRES.quote(publication));
                }
            } catch (SQLException e) {
                LOG.warn(
                        "system {}: could not drop the plan's replication slot and publication {};"
                                + " drop them with SELECT pg_drop_replication_slot('{}') and DROP"
                                + " PUBLICATION {}",
                        system.name(),
                        slot,
                        slot,
                        slot,
                        e);
            }
        }
    }
}
