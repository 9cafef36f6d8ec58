package io.bidisync.job.submit;

import io.bidisync.job.config.ConfigException;
import io.bidisync.job.config.ConfigLoader;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.upgrade.Upgrade;
import io.bidisync.job.validation.DatabaseValidator;
import io.bidisync.job.validation.TableTypes;
import io.bidisync.job.validation.TopicValidator;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What every start of the job, and every command of the launcher, does before anything starts: read
 * the configuration, take the types it does not declare from the tables (printing each attribute's
 * type and where it came from), and check it against the databases and Kafka topics, printing one
 * line per problem. Nothing is changed and no job starts on a problem.
 */
public final class Preflight {
    private Preflight() {}

    /**
     * The validated configuration (every entity type of it), or {@code null} after printing its
     * problems to {@code err}.
     */
    public static JobConfig check(Path file, PrintStream out, PrintStream err) {
        JobConfig job;
        try {
            job = ConfigLoader.loadJob(file);
        } catch (ConfigException e) {
            report(file, e.problems().size(), e.problems(), err);
            return null;
        }
        Set<String> problems = new LinkedHashSet<>();
        Set<String> warnings = new LinkedHashSet<>();
        List<SyncConfig> checked = new ArrayList<>();
        for (SyncConfig declared : job.entities()) {
            TableTypes.Found types = TableTypes.infer(declared);
            SyncConfig config = types.config();
            checked.add(config);
            String entity = declared.entity() == null ? "" : declared.entity() + ".";
            for (int i = 0; i < config.attributes().size(); i++) {
                String name = config.attributes().name(i);
                out.println(
                        "type: "
                                + entity
                                + name
                                + " "
                                + config.attributes().type(i).configName()
                                + " ("
                                + types.sources().get(name)
                                + ")");
            }
            DatabaseValidator.Report databases = DatabaseValidator.check(config);
            TopicValidator.Report topics = TopicValidator.check(config);
            problems.addAll(databases.problems());
            problems.addAll(topics.problems());
            warnings.addAll(databases.warnings());
            warnings.addAll(topics.warnings());
        }
        warnings.forEach(w -> out.println("warning: " + w));
        if (!problems.isEmpty()) {
            report(file, problems.size(), new ArrayList<>(problems), err);
            return null;
        }
        return new JobConfig(job.name(), checked);
    }

    /**
     * How the job on {@code env} continues the state it starts from, or {@code null} after printing
     * why the configuration does not fit that state.
     */
    public static List<Upgrade> upgrade(
            Path file, JobConfig job, StreamExecutionEnvironment env, PrintStream err) {
        try {
            return Upgrade.of(job, env);
        } catch (ConfigException e) {
            report(file, e.problems().size(), e.problems(), err);
            return null;
        }
    }

    private static void report(Path file, int count, List<String> problems, PrintStream err) {
        err.println(
                file
                        + ": "
                        + count
                        + (count == 1 ? " problem" : " problems")
                        + ", nothing was started:");
        problems.forEach(p -> err.println("  " + p));
    }
}
