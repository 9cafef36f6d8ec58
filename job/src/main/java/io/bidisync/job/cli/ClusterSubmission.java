package io.bidisync.job.cli;

import io.bidisync.job.SyncJob;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.upgrade.Upgrade;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code flink run bidisync-job.jar --config FILE}: builds the job on the environment Flink's
 * client provides (a session cluster, or the JobManager in application mode) and submits it.
 */
final class ClusterSubmission {
    private final PrintStream out;
    private final PrintStream err;

    ClusterSubmission(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(Path file) throws Exception {
        SyncConfig config = Preflight.check(file, out, err);
        if (config == null) {
            return Main.PROBLEMS;
        }
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        FlinkSettings.applyJobDefaults(env);
        Upgrade upgrade = Preflight.upgrade(file, config, env, err);
        if (upgrade == null) {
            return Main.PROBLEMS;
        }
        SyncJob.prepareDatabases(config);
        SyncJob.ofDatabases(config).continuing(upgrade).build(env);
        env.execute("bidisync " + config.name());
        return Main.OK;
    }
}
