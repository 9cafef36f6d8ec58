package io.bidisync.job.cli;

import io.bidisync.job.config.ConfigException;
import io.bidisync.job.config.ConfigLoader;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.DatabaseValidator;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * What every command does before anything starts: read the configuration and check it against the
 * databases, printing one line per problem. Nothing is changed and no job starts on a problem.
 */
final class Preflight {
    private Preflight() {}

    /** The validated configuration, or {@code null} after printing its problems to {@code err}. */
    static SyncConfig check(Path file, PrintStream out, PrintStream err) {
        SyncConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (ConfigException e) {
            report(file, e.problems().size(), e.problems(), err);
            return null;
        }
        DatabaseValidator.Report report = DatabaseValidator.check(config);
        report.warnings().forEach(w -> out.println("warning: " + w));
        if (!report.ok()) {
            report(file, report.problems().size(), report.problems(), err);
            return null;
        }
        return config;
    }

    private static void report(
            Path file, int count, java.util.List<String> problems, PrintStream err) {
        err.println(
                file
                        + ": "
                        + count
                        + (count == 1 ? " problem" : " problems")
                        + ", nothing was started:");
        problems.forEach(p -> err.println("  " + p));
    }
}
