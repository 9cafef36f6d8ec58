package io.bidisync.launcher;

import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.submit.Preflight;

import picocli.CommandLine.Mixin;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * A command that works on one sync configuration ({@code --config FILE}): it runs only when the
 * configuration and the databases pass the checks every start makes, which print each problem on a
 * line of its own.
 */
abstract class ConfiguredCommand implements Callable<Integer> {
    // First among a command's options in its help: picocli lists a superclass's fields first.
    @Mixin private SharedOptions.ConfigFile configFile;

    final PrintStream out;
    final PrintStream err;

    ConfiguredCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    @Override
    public final Integer call() throws Exception {
        Path file = configFile.file;
        JobConfig job = Preflight.check(file, out, err);
        return job == null ? Main.PROBLEMS : run(file, job);
    }

    /**
     * The command's work on a configuration that passed the checks; returns the exit code. By
     * default a command works on a file of one entity type.
     */
    int run(Path file, JobConfig job) throws Exception {
        if (job.hasEntityTypes()) {
            err.println(
                    file
                            + ": this command takes a file of one entity type for now; the file"
                            + " declares "
                            + job.entities().stream().map(SyncConfig::entity).toList());
            return Main.PROBLEMS;
        }
        return run(file, job.entities().get(0));
    }

    /** The command's work on a configuration of one entity type that passed the checks. */
    int run(Path file, SyncConfig config) throws Exception {
        throw new UnsupportedOperationException("takes the whole job");
    }
}
