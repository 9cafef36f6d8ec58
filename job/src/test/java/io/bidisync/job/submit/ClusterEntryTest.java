package io.bidisync.job.submit;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The cluster jar's entry point, {@code flink run bidisync.jar --config FILE}, without a cluster:
 * it takes exactly that form, submits nothing when the configuration does not fit, and never ends
 * the JVM (it runs inside Flink's client, or on the JobManager in application mode).
 */
class ClusterEntryTest {
    @TempDir Path dir;

    /** A configuration with problems from its first line on. */
    private Path badConfig() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: Not-Lower-Case\n");
        return file;
    }

    @Test
    void takesTheConfigurationFileInEitherSpelling() {
        assertThat(ClusterEntry.configFile(new String[] {"--config", "a.yaml"}))
                .isEqualTo(Path.of("a.yaml"));
        assertThat(ClusterEntry.configFile(new String[] {"--config=a.yaml"}))
                .isEqualTo(Path.of("a.yaml"));
    }

    @Test
    void aProblemWithTheConfigurationSubmitsNothingAndSaysWhy() throws Exception {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path file = badConfig();

        boolean submitted =
                ClusterEntry.submit(
                        file,
                        new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(submitted).isFalse();
        assertThat(err.toString(StandardCharsets.UTF_8).lines())
                .first()
                .asString()
                .startsWith(file + ": ")
                .endsWith(" problems, nothing was started:");
    }

    @Test
    void mainFailsInsteadOfExitingWhenNothingWasSubmitted() throws Exception {
        String file = badConfig().toString();
        assertThatThrownBy(() -> ClusterEntry.main(new String[] {"--config", file}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(ClusterEntry.NOTHING_SUBMITTED);
        assertThatThrownBy(() -> ClusterEntry.main(new String[] {"--config=" + file}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(ClusterEntry.NOTHING_SUBMITTED);
    }

    @Test
    void anythingButTheConfigurationPointsToTheLauncher() {
        String[][] misuses = {
            {},
            {"--config"},
            {"--config="},
            {"run", "--config", "a.yaml"},
            {"demo"},
            {"--config", "a.yaml", "--port", "8081"}
        };
        for (String[] args : misuses) {
            assertThatThrownBy(() -> ClusterEntry.main(args))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage(ClusterEntry.USAGE)
                    .hasMessageContaining("flink run [-p N] bidisync.jar --config FILE")
                    .hasMessageContaining("./bidisync --help");
        }
    }

    @Test
    void theJobFillsInRocksDbAndItsTuningWhereTheClusterSaysNothingAndKeepsWhatItSays() {
        StreamExecutionEnvironment bare = StreamExecutionEnvironment.getExecutionEnvironment();
        ClusterEntry.applyJobDefaults(bare);
        assertThat(bare.getConfiguration().toMap())
                .containsEntry("state.backend.type", "rocksdb")
                .containsEntry("state.backend.rocksdb.timer-service.factory", "HEAP")
                .containsEntry("state.backend.rocksdb.use-bloom-filter", "true")
                .containsEntry("execution.buffer-timeout.interval", "20ms")
                .containsEntry("pipeline.generic-types", "false");

        Configuration cluster = new Configuration();
        cluster.setString("state.backend.type", "hashmap");
        cluster.setString("state.backend.rocksdb.timer-service.factory", "ROCKSDB");
        StreamExecutionEnvironment configured =
                StreamExecutionEnvironment.getExecutionEnvironment(cluster);
        ClusterEntry.applyJobDefaults(configured);
        assertThat(configured.getConfiguration().toMap())
                .containsEntry("state.backend.type", "hashmap")
                .containsEntry("state.backend.rocksdb.timer-service.factory", "ROCKSDB")
                .containsEntry("state.backend.rocksdb.use-bloom-filter", "true");
    }
}
