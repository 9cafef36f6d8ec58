package io.bidisync.launcher;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.plan.Plan;
import io.bidisync.job.plan.PlanReport;
import io.bidisync.job.safety.BreakerTables;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

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
 * back, in the format of {@code plan}; {@link ConfirmCommand} releases them.
 */
@Command(
        name = "pending",
        description = {
            "The writes the mass-change breaker holds back, per system, in the plan's format"
                    + " (printed, and as CSV and JSON in DIR); bidisync confirm releases them."
        })
final class PendingCommand extends ConfiguredCommand {
    private static final int SHOWN = 20;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "bidisync-pending",
            description = "Where the files go (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Mixin private SharedOptions.Help help;

    PendingCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    int run(Path file, SyncConfig config) throws Exception {
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
}
