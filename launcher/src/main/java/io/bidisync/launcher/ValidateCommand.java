package io.bidisync.launcher;

import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.nio.file.Path;

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
final class ValidateCommand extends ConfiguredCommand {
    @Mixin private SharedOptions.Help help;

    ValidateCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    int run(Path file, JobConfig job) {
        out.println(
                file
                        + ": OK ("
                        + job.systems().size()
                        + " systems: "
                        + String.join(", ", job.systems().keySet())
                        + (job.hasEntityTypes()
                                ? "; entity types: "
                                        + String.join(
                                                ", ",
                                                job.entities().stream()
                                                        .map(SyncConfig::entity)
                                                        .toList())
                                : "")
                        + ")");
        return Main.OK;
    }
}
