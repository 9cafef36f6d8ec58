package io.bidisync.job.submit;

import io.bidisync.job.SyncJob;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.upgrade.Upgrade;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The entry point of the cluster jar: {@code flink run [-p N] bidisync.jar --config FILE} (and the
 * Kubernetes operator's {@code entryClass}). Checks the sync configuration against the databases
 * and topics, builds the job on the environment Flink's client provides (a session cluster, or the
 * JobManager in application mode) and submits it.
 *
 * <p>{@link #main} never exits the JVM: that would end Flink's client, or the JobManager in
 * application mode. It returns once the job is submitted, and throws when nothing was. The {@code
 * bidisync} commands (demo, run, plan …) are the launcher's.
 */
public final class ClusterEntry {
    /** Why {@link #main} failed when the configuration, a database or a topic did not fit. */
    public static final String NOTHING_SUBMITTED =
            "bidisync: nothing was submitted, see the problems above";

    static final String USAGE =
            "usage: flink run [-p N] bidisync.jar --config FILE (the commands demo, run, validate,"
                    + " plan, explain, pending and confirm are the launcher's: ./bidisync --help)";

    private ClusterEntry() {}

    public static void main(String[] args) throws Exception {
        Path file = configFile(args);
        if (file == null) {
            throw new IllegalArgumentException(USAGE);
        }
        if (!submit(file, System.out, System.err)) {
            throw new IllegalArgumentException(NOTHING_SUBMITTED);
        }
    }

    /** {@code --config FILE} or {@code --config=FILE}, and nothing else; otherwise null. */
    static Path configFile(String[] args) {
        if (args.length == 2 && args[0].equals("--config") && !args[1].isBlank()) {
            return Path.of(args[1]);
        }
        if (args.length == 1 && args[0].startsWith("--config=") && args[0].length() > 9) {
            return Path.of(args[0].substring(9));
        }
        return null;
    }

    /**
     * Builds the job from the configuration {@code file} and submits it to the environment this
     * runs in; false, with the problems printed to {@code err}, when the configuration, a database,
     * a topic or the state to continue do not fit.
     */
    public static boolean submit(Path file, PrintStream out, PrintStream err) throws Exception {
        JobConfig job = Preflight.check(file, out, err);
        if (job == null) {
            return false;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        applyJobDefaults(env);
        List<Upgrade> upgrades = Preflight.upgrade(file, job, env, err);
        if (upgrades == null) {
            return false;
        }
        SyncJob.prepareDatabases(job);
        SyncJob.ofDatabases(job).continuing(upgrades).build(env);
        env.execute("bidisync " + job.name());
        return true;
    }

    /**
     * Settings for the job's access pattern and latency (docs/performance.md), where the cluster's
     * configuration says nothing: RocksDB timers on the heap (few and short-lived: a record waiting
     * for completeness, a pending insert; in RocksDB each costs a write, and firing it a seek past
     * the ones already fired); bloom filters, so that looking up a record or golden record that
     * does not exist yet — every new row — reads no data block; and watermarks and network buffers
     * sent every 50 and 20 ms instead of 200 and 100: every write waits for the watermark and
     * crosses two keyed exchanges, so those intervals add to the latency of every write.
     */
    public static final Map<String, String> TUNING =
            Map.of(
                    "state.backend.rocksdb.timer-service.factory", "HEAP",
                    "state.backend.rocksdb.use-bloom-filter", "true",
                    "pipeline.auto-watermark-interval", "50ms",
                    "execution.buffer-timeout.interval", "20ms");

    /**
     * On a cluster the cluster's configuration wins; the job fills in only what it cannot run
     * without: checkpointing (replication slots advance on checkpoints), RocksDB state, the {@link
     * #TUNING}, and no silent Kryo fallback.
     */
    static void applyJobDefaults(StreamExecutionEnvironment env) {
        Configuration defaults = new Configuration();
        var current = env.getConfiguration();
        if (current.getOptional(CheckpointingOptions.CHECKPOINTING_INTERVAL).isEmpty()) {
            defaults.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(10));
        }
        if (current.getOptional(StateBackendOptions.STATE_BACKEND).isEmpty()) {
            defaults.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        }
        Map<String, String> set = current.toMap();
        TUNING.forEach(
                (key, value) -> {
                    if (!set.containsKey(key)) {
                        defaults.setString(key, value);
                    }
                });
        if (current.getOptional(PipelineOptions.GENERIC_TYPES).isEmpty()) {
            defaults.set(PipelineOptions.GENERIC_TYPES, false);
        }
        env.configure(defaults);
    }
}
