package io.bidisync.launcher;

import io.bidisync.job.submit.ClusterEntry;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.UnmatchedArgumentException;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;

/**
 * The {@code bidisync} command line: the launcher jar, self-contained (Flink's runtime and
 * dashboard for local runs, embedded PostgreSQL for the demo).
 *
 * <pre>
 * java -jar bidisync-launcher.jar demo [--keep-running]
 * java -jar bidisync-launcher.jar run --config FILE [--port N]
 * java -jar bidisync-launcher.jar validate --config FILE
 * java -jar bidisync-launcher.jar plan --config FILE [--out DIR]
 * java -jar bidisync-launcher.jar explain --config FILE --key MATCH_KEY
 * java -jar bidisync-launcher.jar pending --config FILE [--out DIR]
 * java -jar bidisync-launcher.jar confirm --config FILE --system SYSTEM
 * java -jar bidisync-launcher.jar [COMMAND] --help
 * </pre>
 *
 * <p>A cluster gets the cluster jar instead ({@code flink run [-p N] bidisync.jar --config FILE},
 * {@link ClusterEntry}). Without a command, {@code --config FILE} does here what it does there:
 * builds the job and submits it to the environment this runs in.
 *
 * <p>Each command is a picocli {@code @Command} class of this package. Exit codes: {@value #OK} OK,
 * {@value #PROBLEMS} problems found (configuration, databases, topics), {@value #USAGE} usage (an
 * unknown command or option, a missing or malformed value: nothing was started).
 */
@Command(
        name = "bidisync",
        customSynopsis = {
            "bidisync demo [--keep-running]",
            "       bidisync run --config FILE [--port N]",
            "       bidisync validate --config FILE",
            "       bidisync plan --config FILE [--out DIR]",
            "       bidisync explain --config FILE --key MATCH_KEY",
            "       bidisync pending --config FILE [--out DIR]",
            "       bidisync confirm --config FILE --system SYSTEM",
            "       bidisync [COMMAND] --help",
            "       flink run [-p N] bidisync.jar --config FILE"
        },
        description =
                "Keeps master data in sync in both directions between the databases of several"
                        + " systems, as an Apache Flink streaming job.",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class)
public final class Main implements Callable<Integer> {
    static final int OK = 0;
    static final int PROBLEMS = 1;
    static final int USAGE = 2;

    private static final Map<String, String> EXIT_CODES = new LinkedHashMap<>();

    static {
        EXIT_CODES.put(String.valueOf(OK), "OK");
        EXIT_CODES.put(
                String.valueOf(PROBLEMS),
                "problems found (configuration, databases, topics, …); they are printed");
        EXIT_CODES.put(
                String.valueOf(USAGE),
                "usage: an unknown command or option, a missing or malformed value; nothing was"
                        + " started");
    }

    @Option(
            names = "--config",
            paramLabel = "FILE",
            description =
                    "Without a command: build the job from the sync configuration FILE and submit"
                            + " it to the Flink cluster this runs in (flink run bidisync.jar"
                            + " --config FILE).")
    private Path config;

    private final PrintStream out;
    private final PrintStream err;

    private Main(PrintStream out, PrintStream err) {
        this.out = out;
        this.err = err;
    }

    public static void main(String[] args) throws Exception {
        int code = run(args, System.out, System.err);
        if (isClusterSubmission(args)) {
            // As the cluster jar's entry: main() may run inside Flink's client, or on the
            // JobManager in application mode. Give control back (an exit would end that process),
            // failing if nothing was submitted.
            if (code != OK) {
                throw new IllegalArgumentException(ClusterEntry.NOTHING_SUBMITTED);
            }
            return;
        }
        System.exit(code);
    }

    /**
     * Runs a command; returns the process exit code. Usage errors print one line to {@code err}.
     */
    static int run(String[] args, PrintStream out, PrintStream err) throws Exception {
        Main main = new Main(out, err);
        CommandLine cli = main.commandLine();
        try {
            return main.dispatch(cli, args);
        } finally {
            cli.getOut().flush();
            cli.getErr().flush();
        }
    }

    /** {@code --config FILE} without a command: the job is built and submitted, as on a cluster. */
    @Override
    public Integer call() throws Exception {
        return ClusterEntry.submit(config, out, err) ? OK : PROBLEMS;
    }

    private int dispatch(CommandLine cli, String[] args) throws Exception {
        ParseResult parsed;
        try {
            parsed = cli.parseArgs(args);
            if (CommandLine.printHelpIfRequested(parsed)) {
                return OK;
            }
        } catch (ParameterException e) {
            return config != null && e.getCommandLine() != cli
                    ? configBeforeCommand(e.getCommandLine())
                    : usageError(cli, e);
        }
        if (!parsed.hasSubcommand() && config == null) {
            // No command and nothing to submit: say what there is.
            err.print(cli.getUsageMessage());
            return USAGE;
        }
        if (parsed.hasSubcommand() && config != null) {
            return configBeforeCommand(parsed.subcommand().commandSpec().commandLine());
        }
        List<CommandLine> commands = parsed.asCommandLineList();
        Callable<?> command = (Callable<?>) commands.get(commands.size() - 1).getCommand();
        // Exceptions leave as they are: a failing command is not a usage error, and the caller
        // (main(), Flink's client, a test) reports it with its cause.
        return (Integer) command.call();
    }

    /** {@code bidisync --config F validate}: the file would go nowhere, so nothing runs. */
    private int configBeforeCommand(CommandLine command) {
        String name = command.getCommandSpec().qualifiedName();
        err.println(
                "bidisync: --config goes after the command ("
                        + name
                        + " --config FILE); without a command it submits the job to a cluster");
        return USAGE;
    }

    /** One line: what is wrong, and where the help is; an unknown command also lists the rest. */
    private int usageError(CommandLine cli, ParameterException e) {
        CommandLine at = e.getCommandLine();
        String name = at.getCommandSpec().qualifiedName();
        String line = name + ": " + problem(e) + "; see '" + name + " --help'";
        err.println(line);
        if (isUnknownCommand(e)) {
            err.print(cli.getHelp().synopsisHeading() + cli.getHelp().synopsis(0));
        }
        return USAGE;
    }

    private static String problem(ParameterException e) {
        if (e instanceof UnmatchedArgumentException unmatched
                && !unmatched.getUnmatched().isEmpty()) {
            String arg = unmatched.getUnmatched().get(0);
            String what =
                    arg.startsWith("-")
                            ? "unknown option '" + arg + "'"
                            : isUnknownCommand(e)
                                    ? "unknown command '" + arg + "'"
                                    : "unexpected argument '" + arg + "'";
            List<String> suggestions = unmatched.getSuggestions();
            return suggestions.isEmpty()
                    ? what
                    : what + " (did you mean " + String.join(" or ", suggestions) + "?)";
        }
        // picocli's own messages name the option and the value; they start upper case and may
        // span lines ("Missing required option: '--config=FILE'").
        String message =
                String.join(" ", e.getMessage().strip().split("\\s*\\R\\s*"))
                        .replaceAll("\\.$", "");
        return message.isEmpty()
                ? "wrong usage"
                : Character.toLowerCase(message.charAt(0)) + message.substring(1);
    }

    /** A word where a command belongs: the top level takes no other arguments. */
    private static boolean isUnknownCommand(ParameterException e) {
        return e instanceof UnmatchedArgumentException unmatched
                && e.getCommandLine().getParent() == null
                && !unmatched.getUnmatched().isEmpty()
                && !unmatched.getUnmatched().get(0).startsWith("-");
    }

    private CommandLine commandLine() {
        CommandLine cli =
                new CommandLine(this)
                        .addSubcommand(new DemoCommand(out))
                        .addSubcommand(new RunCommand(out, err))
                        .addSubcommand(new ValidateCommand(out, err))
                        .addSubcommand(new PlanCommand(out, err))
                        .addSubcommand(new ExplainCommand(out, err))
                        .addSubcommand(new PendingCommand(out, err))
                        .addSubcommand(new ConfirmCommand(out, err))
                        .addSubcommand(new CommandLine.HelpCommand());
        // "@file" would read arguments from a file: not a form anyone here means.
        cli.setExpandAtFiles(false);
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        cli.setColorScheme(Help.defaultColorScheme(Help.Ansi.OFF));
        style(cli);
        return cli;
    }

    private static void style(CommandLine cli) {
        cli.getCommandSpec()
                .usageMessage()
                .synopsisHeading("usage: ")
                .descriptionHeading("%n")
                .optionListHeading("%nOptions:%n")
                .commandListHeading("%nCommands:%n")
                .exitCodeListHeading("%nExit codes:%n")
                .exitCodeList(EXIT_CODES)
                .sortOptions(false);
        cli.getSubcommands().values().forEach(Main::style);
    }

    private static boolean isClusterSubmission(String[] args) {
        return args.length > 0 && (args[0].equals("--config") || args[0].startsWith("--config="));
    }

    /** The version Maven recorded in the jar; unknown when run from the classes directory. */
    static final class Version implements IVersionProvider {
        private static final String POM =
                "/META-INF/maven/io.bidisync/bidisync-launcher/pom.properties";

        @Override
        public String[] getVersion() throws IOException {
            Properties pom = new Properties();
            try (InputStream in = Main.class.getResourceAsStream(POM)) {
                if (in != null) {
                    pom.load(in);
                }
            }
            return new String[] {"bidisync " + pom.getProperty("version", "(version unknown)")};
        }
    }
}
