package io.bidisync.launcher;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.safety.BreakerTables;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code bidisync confirm --config FILE --system S}: releases the writes the mass-change breaker
 * holds back for system S; the job looks every few seconds, then lets that system's writes pass for
 * one window.
 */
@Command(
        name = "confirm",
        description = {
            "Releases the writes the mass-change breaker holds back for one system (see bidisync"
                    + " pending): the job lets them and that system's further writes pass for one"
                    + " safety window."
        })
final class ConfirmCommand extends ConfiguredCommand {
    @Option(
            names = "--system",
            paramLabel = "SYSTEM",
            required = true,
            description = "The system whose held writes to release (a name under systems:).")
    private String systemName;

    @Mixin private SharedOptions.Help help;

    ConfirmCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    int run(Path file, SyncConfig config) throws Exception {
        if (!config.systems().containsKey(systemName)) {
            err.println(
                    "unknown system '"
                            + systemName
                            + "' (systems: "
                            + config.systems().keySet()
                            + ")");
            return Main.PROBLEMS;
        }
        if (config.safety() == null || !BreakerTables.confirm(config.system(systemName))) {
            out.println("Writing to " + systemName + " is not stopped: nothing to confirm.");
            return Main.PROBLEMS;
        }
        out.println(
                "Confirmed: the job releases the writes held for "
                        + systemName
                        + " within seconds, and lets its writes pass for "
                        + config.safety().window()
                        + ".");
        return Main.OK;
    }
}
