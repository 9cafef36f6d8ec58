package io.bidisync.launcher;

import io.bidisync.job.config.JobConfig;
import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.plan.Plan;
import io.bidisync.job.plan.PlanReport;
import io.bidisync.job.plan.Planner;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code bidisync plan --config FILE [--out DIR]}: what the job would write, computed by the job's
 * own graph over snapshots of the tables, written nowhere but the report.
 */
@Command(
        name = "plan",
        description = {
            "What the job would write, computed by the job's own code over snapshots of the tables;"
                    + " writes nothing to the systems. Prints a report and writes it to DIR as"
                    + " summary.csv, writes.csv, match-groups.csv and plan.json."
        })
final class PlanCommand extends ConfiguredCommand {
    private static final int SHOWN = 20;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "bidisync-plan",
            description = "Where the report's files go (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Mixin private SharedOptions.Help help;

    /** The last progress printed: a line only when it changed. */
    private Map<String, Long> shown = Map.of();

    PlanCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    int run(Path file, JobConfig job) throws Exception {
        Configuration flink = LocalFlink.local(LocalFlink.freePort(0));
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        out.println(
                "bidisync plan: reading "
                        + String.join(", ", job.systems().keySet())
                        + " (snapshots; nothing is written)…");
        List<Plan> plans =
                Planner.plan(
                        job,
                        env,
                        new RestMetrics("http://127.0.0.1:" + flink.get(RestOptions.PORT)),
                        new Planner.Progress() {
                            @Override
                            public void rowsRead(Map<String, Long> read, Map<String, Long> total) {
                                progress(read, total);
                            }

                            @Override
                            public void step(String what) {
                                out.println("  " + what + "…");
                            }
                        });
        out.println("  writing the report…");
        for (int i = 0; i < plans.size(); i++) {
            PlanReport report = new PlanReport(plans.get(i));
            Path into = dir;
            if (job.hasEntityTypes()) {
                // Referenced entity types first: their inserts come before their children's.
                String entity = job.entities().get(i).entity();
                out.println();
                out.println("== " + entity + " ==");
                into = dir.resolve(entity);
            }
            report.print(out, SHOWN);
            report.write(into);
        }
        out.println();
        out.println(
                "Files: "
                        + dir.toAbsolutePath()
                        + (job.hasEntityTypes() ? "/<entity type>" : "")
                        + " ("
                        + String.join(", ", PlanReport.FILES)
                        + ")");
        return Main.OK;
    }

    private void progress(Map<String, Long> read, Map<String, Long> total) {
        if (read.isEmpty() || read.equals(shown)) {
            return;
        }
        shown = read;
        if (read.equals(total)) {
            out.println("  all rows read; deciding the golden records…");
            return;
        }
        StringBuilder line = new StringBuilder("  read:");
        read.forEach(
                (system, n) -> {
                    long of = total.getOrDefault(system, 0L);
                    line.append(' ')
                            .append(system)
                            .append(' ')
                            .append(String.format("%,d/%,d", n, of))
                            .append(
                                    of > 0
                                            ? String.format(" (%d%%)", Math.min(100, n * 100 / of))
                                            : "");
                });
        out.println(line);
    }
}
