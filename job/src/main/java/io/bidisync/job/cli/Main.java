package io.bidisync.job.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The {@code bidisync} command line, and the entry point of the job jar on a Flink cluster.
 *
 * <pre>
 * java -jar bidisync-job.jar demo [--keep-running]
 * java -jar bidisync-job.jar run --config FILE [--port N]
 * java -jar bidisync-job.jar validate --config FILE
 * java -jar bidisync-job.jar plan --config FILE [--out DIR]
 * java -jar bidisync-job.jar explain --config FILE --key MATCH_KEY
 * java -jar bidisync-job.jar pending --config FILE [--out DIR]
 * java -jar bidisync-job.jar confirm --config FILE --system SYSTEM
 * flink run [-p N] bidisync-job.jar --config FILE
 * </pre>
 */
public final class Main {
    static final int OK = 0;
    static final int PROBLEMS = 1;
    static final int USAGE = 2;

    private static final String USAGE_TEXT =
            String.join(
                    System.lineSeparator(),
                    "usage: bidisync demo [--keep-running]",
                    "       bidisync run --config FILE [--port N]",
                    "       bidisync validate --config FILE",
                    "       bidisync plan --config FILE [--out DIR]",
                    "       bidisync explain --config FILE --key MATCH_KEY",
                    "       bidisync pending --config FILE [--out DIR]",
                    "       bidisync confirm --config FILE --system SYSTEM",
                    "       flink run [-p N] bidisync-job.jar --config FILE");

    private Main() {}

    public static void main(String[] args) throws Exception {
        int code = run(args, System.out, System.err);
        if (isClusterSubmission(args)) {
            // main() runs inside Flink's client, or on the JobManager in application mode: give
            // control back (an exit would end that process), failing if nothing was submitted.
            if (code != OK) {
                throw new IllegalArgumentException(
                        "bidisync: nothing was submitted, see the problems above");
            }
            return;
        }
        System.exit(code);
    }

    /** Runs a command; returns the process exit code. */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        if (args.length == 0) {
            err.println(USAGE_TEXT);
            return USAGE;
        }
        String[] rest = Arrays.copyOfRange(args, 1, args.length);
        switch (args[0]) {
            case "demo":
                return new DemoCommand(out).run(Arguments.parse(rest, err).flag("--keep-running"));
            case "run":
                Arguments run = Arguments.parse(rest, err);
                return run.config() == null
                        ? usage(err)
                        : new RunCommand(out, err).run(run.config(), run.port());
            case "validate":
                Arguments validate = Arguments.parse(rest, err);
                return validate.config() == null
                        ? usage(err)
                        : new ValidateCommand(out, err).run(validate.config());
            case "plan":
                Arguments plan = Arguments.parse(rest, err);
                return plan.config() == null
                        ? usage(err)
                        : new PlanCommand(out, err)
                                .run(plan.config(), Path.of(plan.value("--out", "bidisync-plan")));
            case "explain":
                Arguments explain = Arguments.parse(rest, err);
                String key = explain.value("--key", null);
                return explain.config() == null || key == null
                        ? usage(err)
                        : new ExplainCommand(out, err).run(explain.config(), key);
            case "pending":
                Arguments pending = Arguments.parse(rest, err);
                return pending.config() == null
                        ? usage(err)
                        : new PendingCommand(out, err)
                                .pending(
                                        pending.config(),
                                        Path.of(pending.value("--out", "bidisync-pending")));
            case "confirm":
                Arguments confirm = Arguments.parse(rest, err);
                String system = confirm.value("--system", null);
                return confirm.config() == null || system == null
                        ? usage(err)
                        : new PendingCommand(out, err).confirm(confirm.config(), system);
            case "--config":
                Arguments submit = Arguments.parse(args, err);
                return submit.config() == null
                        ? usage(err)
                        : new ClusterSubmission(out, err).run(submit.config());
            case "-h":
            case "--help":
            case "help":
                out.println(USAGE_TEXT);
                return OK;
            default:
                err.println("unknown command '" + args[0] + "'");
                return usage(err);
        }
    }

    private static boolean isClusterSubmission(String[] args) {
        return args.length > 0 && args[0].equals("--config");
    }

    private static int usage(PrintStream err) {
        err.println(USAGE_TEXT);
        return USAGE;
    }
}
