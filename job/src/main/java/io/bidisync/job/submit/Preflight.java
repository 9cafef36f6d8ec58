package io.bidisync.job.submit;

import io.bidisync.job.config.ConfigException;
import io.bidisync.job.config.ConfigLoader;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.upgrade.Upgrade;
import io.bidisync.job.validation.DatabaseValidator;
import io.bidisync.job.validation.TableTypes;
import io.bidisync.job.validation.TopicValidator;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What every start of the job, and every command of the launcher, does before anything starts: read
 * the configuration, take the types it does not declare from the tables (printing each attribute's
 * type and where it came from), and check it against the databases and Kafka topics, printing one
 * line per problem. Nothing is changed and no job starts on a problem.
 */
public final class Preflight {
    private Preflight() {}

    /** The validated configuration, or {@code null} after printing its problems to {@code err}. */
    public static SyncConfig check(Path file, PrintStream out, PrintStream err) {
        SyncConfig config;
        try {
            config = ConfigLoader.load(file);
        } catch (ConfigException e) {
            report(file, e.problems().size(), e.problems(), err);
            return null;
        }
        TableTypes.Found types = TableTypes.infer(config);
        config = types.config();
        for (int i = 0; i < config.attributes().size(); i++) {
            String name = config.attributes().name(i);
            out.println(
                    "type: "
                            + name
                            + " "
                            + config.attributes().type(i).configName()
                            + " ("
                            + types.sources().get(name)
                            + ")");
        }
        DatabaseValidator.Report databases = DatabaseValidator.check(config);
        TopicValidator.Report topics = TopicValidator.check(config);
        List<String> problems = new ArrayList<>(databases.problems());
        problems.addAll(topics.problems());
        databases.warnings().forEach(w -> out.println("warning: " + w));
        topics.warnings().forEach(w -> out.println("warning: " + w));
        if (!problems.isEmpty()) {
            report(file, problems.size(), problems, err);
            return null;
        }
        return config;
    }

    /**
     * How the job on {@code env} continues the state it starts from, or {@code null} after printing
     * why the configuration does not fit that state.
     */
    public static Upgrade upgrade(
            Path file, SyncConfig config, StreamExecutionEnvironment env, PrintStream err) {
        try {
            return Upgrade.of(config, env);
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
