package io.bidisync.bench;

import io.bidisync.job.metrics.RestMetrics;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.configuration.MetricOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.apache.flink.streaming.util.TestStreamEnvironment;

import java.time.Duration;
import java.util.concurrent.ExecutionException;

/**
 * The Flink MiniCluster every benchmark job runs on: one TaskManager with four slots and the
 * managed memory RocksDB needs. Jobs built with {@code getExecutionEnvironment()} are submitted to
 * it, so the job's own test fixtures start the job here unchanged.
 */
final class BenchCluster implements AutoCloseable {
    private final MiniCluster cluster;
    private final RestMetrics metrics;

    private BenchCluster(MiniCluster cluster, RestMetrics metrics) {
        this.cluster = cluster;
        this.metrics = metrics;
    }

    static BenchCluster start() throws Exception {
        Configuration conf = new Configuration();
        // RocksDB's block cache and write buffers come out of this, shared by the slots' operators.
        conf.set(
                TaskManagerOptions.MANAGED_MEMORY_SIZE,
                MemorySize.parse(System.getProperty("bench.managed-memory", "4g")));
        conf.set(MetricOptions.METRIC_FETCHER_UPDATE_INTERVAL, Duration.ofMillis(500));
        MiniCluster cluster =
                new MiniCluster(
                        new MiniClusterConfiguration.Builder()
                                .setConfiguration(conf)
                                .setNumTaskManagers(1)
                                .setNumSlotsPerTaskManager(4)
                                .build());
        cluster.start();
        TestStreamEnvironment.setAsContext(cluster, 2);
        return new BenchCluster(
                cluster, new RestMetrics(cluster.getRestAddress().get().toString()));
    }

    RestMetrics metrics() {
        return metrics;
    }

    @Override
    public void close() throws ExecutionException {
        TestStreamEnvironment.unsetAsContext();
        try {
            cluster.closeAsync().get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
