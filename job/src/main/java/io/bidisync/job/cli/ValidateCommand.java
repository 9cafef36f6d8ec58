package io.bidisync.job.cli;

import io.bidisync.job.config.SyncConfig;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code bidisync validate --config FILE}: checks the configuration and the databases, changes
 * nothing.
 */
final class ValidateCommand {
    private final PrintStream out;
    private final PrintStream err;

    ValidateCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int run(Path file) {
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
