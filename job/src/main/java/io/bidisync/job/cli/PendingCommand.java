package io.bidisync.job.cli;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.plan.Plan;
import io.bidisync.job.plan.PlanReport;
import io.bidisync.job.safety.BreakerTables;

import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code bidisync pending --config FILE [--out DIR]}: the writes the mass-change breaker holds
 * back, in the format of {@code plan}; and {@code bidisync confirm --config FILE --system S}, which
 * releases them.
 */
final class PendingCommand {
    private static final int SHOWN = 20;

    private final PrintStream out;
    private final PrintStream err;

    PendingCommand(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    int pending(Path file, Path dir) throws Exception {
        SyncConfig config = Preflight.check(file, out, err);
        if (config == null) {
            return Main.PROBLEMS;
        }
        if (config.safety() == null) {
            err.println("safety: no mass-change breaker configured, so nothing is held back");
            return Main.PROBLEMS;
        }
        Map<String, Long> rows = new LinkedHashMap<>();
        List<WriteIntent> held = new ArrayList<>();
        List<BreakerTables.State> stopped = new ArrayList<>();
        for (SystemConfig system : config.systems().values()) {
            if (system.write().isEmpty()) {
                continue;
            }
            try (Connection c = Database.connect(system)) {
                rows.put(system.name(), Database.rowCount(c, system));
                BreakerTables.State state = BreakerTables.state(c, system);
                if (state != null) {
                    stopped.add(state);
                    held.addAll(BreakerTables.heldWrites(c, system));
                }
            }
        }
        if (stopped.isEmpty()) {
            out.println("No system's writes are held back: every breaker is closed.");
            return Main.OK;
        }
        Plan plan =
                new Plan(
                        config.name(),
                        config.attributes().names(),
                        rows,
                        List.of(),
                        held,
                        Set.of(),
                        List.of());
        PlanReport report =
                new PlanReport(
                        plan,
                        "Writes held back by the mass-change breaker of '"
                                + config.name()
                                + "' — not written yet.");
        report.print(out, SHOWN);
        report.write(dir);
        out.println();
        for (BreakerTables.State s : stopped) {
            out.println(
                    "Writing to "
                            + s.system()
                            + " stopped at "
                            + s.trippedAt()
                            + ": "
                            + s.held()
                            + " writes held (limit "
                            + s.limit()
                            + " in "
                            + config.safety().window()
                            + ", safety.max-writes-per-system: "
                            + config.safety().describe()
                            + ")"
                            + (s.confirmedAt() == null
                                    ? ". Release them: bidisync confirm --config "
                                            + file
                                            + " --system "
                                            + s.system()
                                    : ". Confirmed at " + s.confirmedAt() + "; releasing."));
        }
        out.println("Files: " + dir.toAbsolutePath());
        return Main.OK;
    }

    int confirm(Path file, String systemName) throws Exception {
        SyncConfig config = Preflight.check(file, out, err);
        if (config == null) {
            return Main.PROBLEMS;
        }
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
