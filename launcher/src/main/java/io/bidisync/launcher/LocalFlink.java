package io.bidisync.launcher;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The Flink settings of local runs ({@code run}, {@code demo}, {@code plan}): a MiniCluster with
 * the dashboard. On a cluster the cluster's configuration applies instead (see {@code
 * ClusterEntry}).
 */
final class LocalFlink {
    /** {@code deploy/local/flink-conf.yaml}, bundled into the launcher jar. */
    private static final String LOCAL = "/bidisync/flink-conf.yaml";

    private LocalFlink() {}

    /** Settings of a local MiniCluster with the dashboard on {@code restPort}. */
    static Configuration local(int restPort) {
        Map<String, String> settings = new HashMap<>();
        try (InputStream in = LocalFlink.class.getResourceAsStream(LOCAL)) {
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
