package io.bidisync.job.cli;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/** The Flink settings the job runs with, locally and on a cluster. */
final class FlinkSettings {
    /** {@code deploy/local/flink-conf.yaml}, bundled into the jar. */
    private static final String LOCAL = "/bidisync/flink-conf.yaml";

    private FlinkSettings() {}

    /** Settings of a local MiniCluster with the dashboard on {@code restPort}. */
    static Configuration local(int restPort) {
        Map<String, String> settings = new HashMap<>();
        try (InputStream in = FlinkSettings.class.getResourceAsStream(LOCAL)) {
            if (in == null) {
                throw new IllegalStateException(LOCAL + " is missing from the jar");
            }
            Map<?, ?> yaml = new Yaml(new SafeConstructor(new LoaderOptions())).load(in);
            yaml.forEach((k, v) -> settings.put(String.valueOf(k), String.valueOf(v)));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Configuration conf = Configuration.fromMap(settings);
        if (!conf.contains(CheckpointingOptions.CHECKPOINTS_DIRECTORY)) {
            Path dir = Path.of("bidisync-data", "checkpoints").toAbsolutePath();
            conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, dir.toUri().toString());
        }
        conf.set(RestOptions.PORT, restPort);
        return conf;
    }

    /**
     * On a cluster the cluster's configuration wins; the job fills in only what it cannot run
     * without: checkpointing (replication slots advance on checkpoints), RocksDB state, and no
     * silent Kryo fallback.
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
        if (current.getOptional(PipelineOptions.GENERIC_TYPES).isEmpty()) {
            defaults.set(PipelineOptions.GENERIC_TYPES, false);
        }
        env.configure(defaults);
    }

    /** {@code preferred} if it is free, otherwise any free port. */
    static int freePort(int preferred) {
        for (int port : new int[] {preferred, 0}) {
            try (ServerSocket socket = new ServerSocket(port)) {
                socket.setReuseAddress(true);
                return socket.getLocalPort();
            } catch (IOException e) {
                // taken; try the next
            }
        }
        throw new IllegalStateException("no free local port");
    }
}
