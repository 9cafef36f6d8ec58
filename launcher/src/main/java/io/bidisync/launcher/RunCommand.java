package io.bidisync.launcher;

import io.bidisync.job.SyncJob;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.submit.Preflight;
import io.bidisync.job.upgrade.Upgrade;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/** {@code bidisync run --config FILE}: the job in a local MiniCluster with the dashboard. */
@Command(
        name = "run",
        description = {
            "Checks the configuration and the databases, then runs the job in a local MiniCluster"
                    + " with the dashboard until Ctrl-C. Logs go to bidisync-data/logs, checkpoints"
                    + " to bidisync-data/checkpoints."
        })
final class RunCommand extends ConfiguredCommand {
    @Option(
            names = "--port",
            paramLabel = "N",
            defaultValue = "8081",
            converter = Port.class,
            description =
                    "The dashboard's port (default: ${DEFAULT-VALUE}; a free one if it is taken).")
    private int port;

    @Mixin private SharedOptions.Help help;

    RunCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    int run(Path file, JobConfig job) throws Exception {
        Configuration flink = LocalFlink.local(LocalFlink.freePort(port));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        // Local settings may name a savepoint to start from (execution.savepoint.path).
        List<Upgrade> upgrades = Preflight.upgrade(file, job, env, err);
        if (upgrades == null) {
            return Main.PROBLEMS;
        }
        SyncJob.prepareDatabases(job);
        SyncJob.ofDatabases(job).continuing(upgrades).build(env);
        out.println(
                "bidisync: syncing '"
                        + job.name()
                        + "' between "
                        + String.join(", ", job.systems().keySet())
                        + (job.hasEntityTypes()
                                ? " ("
                                        + String.join(
                                                ", ",
                                                job.entities().stream()
                                                        .map(SyncConfig::entity)
                                                        .toList())
                                        + ")"
                                : ""));
        out.println(
                "Dashboard: http://127.0.0.1:"
                        + flink.get(RestOptions.PORT)
                        + "  (Ctrl-C stops the job)");
        env.execute("bidisync " + job.name());
        return Main.OK;
    }

    /** A TCP port: 0 (any free one) to 65535; anything else is a usage error, not a crash. */
    static final class Port implements ITypeConverter<Integer> {
        @Override
        public Integer convert(String value) {
            try {
                int port = Integer.parseInt(value);
                if (port >= 0 && port <= 65535) {
                    return port;
                }
            } catch (NumberFormatException e) {
                // reported below, like an out-of-range number
            }
            throw new TypeConversionException("'" + value + "' is not a port (0 to 65535)");
        }
    }
}
