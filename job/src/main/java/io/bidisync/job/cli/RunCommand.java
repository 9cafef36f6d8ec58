package io.bidisync.job.cli;

import io.bidisync.job.SyncJob;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.upgrade.Upgrade;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;
import java.nio.file.Path;

/** {@code bidisync run --config FILE}: the job in a local MiniCluster with the dashboard. */
final class RunCommand {
    private final PrintStream out;
    private final PrintStream err;

    RunCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(Path file, int port) throws Exception {
        SyncConfig config = Preflight.check(file, out, err);
        if (config == null) {
            return Main.PROBLEMS;
        }
        Configuration flink = FlinkSettings.local(FlinkSettings.freePort(port));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        // Local settings may name a savepoint to start from (execution.savepoint.path).
        Upgrade upgrade = Preflight.upgrade(file, config, env, err);
        if (upgrade == null) {
            return Main.PROBLEMS;
        }
        SyncJob.prepareDatabases(config);
        SyncJob.ofDatabases(config).continuing(upgrade).build(env);
        out.println(
                "bidisync: syncing '"
                        + config.name()
                        + "' between "
                        + String.join(", ", config.systems().keySet()));
        out.println(
                "Dashboard: http://127.0.0.1:"
                        + flink.get(RestOptions.PORT)
                        + "  (Ctrl-C stops the job)");
        env.execute("bidisync " + config.name());
        return Main.OK;
    }
}
