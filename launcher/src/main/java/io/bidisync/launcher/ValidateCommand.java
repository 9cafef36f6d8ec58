package io.bidisync.launcher;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.submit.Preflight;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code bidisync validate --config FILE}: checks the configuration and the databases, changes
 * nothing.
 */
@Command(
        name = "validate",
        description = {
            "Checks the configuration; each database (reachable, wal_level, replication privilege,"
                    + " free slots, table, columns, primary key, version column, privileges,"
                    + " insertability, key index); and each Kafka topic (reachable, exists, one"
                    + " partition for change topics, golden topic compacted). Changes nothing."
        })
final class ValidateCommand implements Callable<Integer> {
    @Mixin private SharedOptions.ConfigFile configFile;
    @Mixin private SharedOptions.Help help;

    private final PrintStream out;
    private final PrintStream err;

    ValidateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        Path file = configFile.file;
        SyncConfig config = Preflight.check(file, out, err);
        if (config == null) {
            return Main.PROBLEMS;
        }
        out.println(
                file
                        + ": OK ("
                        + config.systems().size()
                        + " systems: "
                        + String.join(", ", config.systems().keySet())
                        + ")");
        return Main.OK;
    }
}
