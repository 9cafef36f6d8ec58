package io.bidisync.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * How the command line answers misuse and asks for help, without any database: a usage error is one
 * line on stderr and exit code 2 before anything runs; help goes to stdout with exit code 0.
 */
class UsageTest {
    @TempDir Path dir;

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) throws Exception {
        return Main.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String err() {
        return err.toString(StandardCharsets.UTF_8);
    }

    /** A configuration that fails on its first line: a command that gets to read it returns 1. */
    private String badConfig() throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, "name: Not-Lower-Case\n");
        return file.toString();
    }

    @ParameterizedTest
    @CsvSource({
        "demo,     --keep-running",
        "run,      --config --port",
        "validate, --config",
        "plan,     --config --out",
        "explain,  --config --key",
        "pending,  --config --out",
        "confirm,  --config --system"
    })
    void everyCommandHasHelpDescribingEveryOption(String command, String options) throws Exception {
        assertThat(run(command, "--help")).isEqualTo(Main.OK);

        assertThat(out()).startsWith("usage: bidisync " + command).contains("Exit codes:");
        for (String option : (options + " --help").split(" ")) {
            // Each option has a line of its own in the option list, with its description.
            assertThat(out().lines())
                    .as(option)
                    .anyMatch(l -> l.matches("\\s+(-h, )?" + option + "(=\\S+)?\\s{2,}[A-Z].*"));
        }
        assertThat(err()).isEmpty();
    }

    @Test
    void helpAlsoComesAsACommandAndAtTheTop() throws Exception {
        assertThat(run("help", "confirm")).isEqualTo(Main.OK);
        assertThat(out()).startsWith("usage: bidisync confirm").contains("--system=SYSTEM");

        out.reset();
        assertThat(run("--help")).isEqualTo(Main.OK);
        assertThat(out())
                .startsWith("usage: bidisync demo [--keep-running]")
                .contains("flink run [-p N] bidisync.jar --config FILE")
                .contains("Commands:", "  explain ", "  confirm ")
                .contains("  2   usage");
        assertThat(err()).isEmpty();
    }

    @Test
    void anUnknownOptionIsOneLineAndExitCodeTwo() throws Exception {
        assertThat(run("validate", "--config", badConfig(), "--confg", "x")).isEqualTo(Main.USAGE);

        assertThat(err().lines())
                .containsExactly(
                        "bidisync validate: unknown option '--confg' (did you mean --config?);"
                                + " see 'bidisync validate --help'");
        assertThat(out()).isEmpty();
    }

    @Test
    void aMisspeltFlagIsNamedWithTheOneMeant() throws Exception {
        assertThat(run("demo", "--keep-runing")).isEqualTo(Main.USAGE);

        assertThat(err().lines())
                .containsExactly(
                        "bidisync demo: unknown option '--keep-runing' (did you mean"
                                + " --keep-running?); see 'bidisync demo --help'");
    }

    @Test
    void aPortThatIsNoNumberIsAUsageErrorNotACrash() throws Exception {
        assertThat(run("run", "--config", badConfig(), "--port", "x")).isEqualTo(Main.USAGE);
        assertThat(run("run", "--config", badConfig(), "--port", "70000")).isEqualTo(Main.USAGE);

        assertThat(err().lines())
                .containsExactly(
                        "bidisync run: invalid value for option '--port': 'x' is not a port (0 to"
                                + " 65535); see 'bidisync run --help'",
                        "bidisync run: invalid value for option '--port': '70000' is not a port (0"
                                + " to 65535); see 'bidisync run --help'");
        assertThat(out()).isEmpty();
    }

    @Test
    void aMissingConfigIsOneLineAndExitCodeTwo() throws Exception {
        assertThat(run("run", "--port", "9000")).isEqualTo(Main.USAGE);
        assertThat(run("confirm", "--system", "erp")).isEqualTo(Main.USAGE);
        assertThat(run("plan", "--config")).isEqualTo(Main.USAGE);

        assertThat(err().lines())
                .containsExactly(
                        "bidisync run: missing required option: '--config=FILE'; see 'bidisync run"
                                + " --help'",
                        "bidisync confirm: missing required option: '--config=FILE'; see"
                                + " 'bidisync confirm --help'",
                        "bidisync plan: missing required parameter for option '--config' (FILE);"
                                + " see 'bidisync plan --help'");
    }

    @Test
    void anArgumentNoCommandTakesIsAUsageError() throws Exception {
        assertThat(run("validate", "extra", "--config", badConfig())).isEqualTo(Main.USAGE);
        assertThat(run("validate", "--config", badConfig(), "--config", badConfig()))
                .isEqualTo(Main.USAGE);
        assertThat(run("--config", badConfig(), "validate")).isEqualTo(Main.USAGE);

        assertThat(err().lines())
                .containsExactly(
                        "bidisync validate: unexpected argument 'extra'; see 'bidisync validate"
                                + " --help'",
                        "bidisync validate: option '--config' (FILE) should be specified only"
                                + " once; see 'bidisync validate --help'",
                        "bidisync: --config goes after the command (bidisync validate --config"
                                + " FILE); without a command it submits the job to a cluster");
    }

    @Test
    void anUnknownCommandIsNamedAndTheCommandsListed() throws Exception {
        assertThat(run("valdate", "--config", badConfig())).isEqualTo(Main.USAGE);

        assertThat(err().lines().toList())
                .startsWith(
                        "bidisync: unknown command 'valdate' (did you mean validate?); see"
                                + " 'bidisync --help'",
                        "usage: bidisync demo [--keep-running]")
                .contains("       bidisync validate --config FILE");
    }

    @Test
    void aConfigurationProblemIsExitCodeOneNotTwo() throws Exception {
        assertThat(run("validate", "--config", badConfig())).isEqualTo(Main.PROBLEMS);
        assertThat(run("validate", "--config", dir.resolve("missing.yaml").toString()))
                .isEqualTo(Main.PROBLEMS);
        assertThat(err()).contains("nothing was started").doesNotContain("--help");
    }

    @Test
    void theClusterFormStillBuildsTheJobFromItsConfig() throws Exception {
        // flink run bidisync.jar --config FILE: no command; the configuration is read and checked
        // (here it fails, so no job is built and nothing is submitted).
        assertThat(run("--config", badConfig())).isEqualTo(Main.PROBLEMS);
        assertThat(run("--config=" + badConfig())).isEqualTo(Main.PROBLEMS);

        String file = badConfig();
        assertThat(err().lines())
                .filteredOn(l -> l.endsWith("nothing was started:"))
                .hasSize(2)
                .allMatch(l -> l.startsWith(file + ": "));
        assertThat(err()).doesNotContain("usage");
    }

    @Test
    void theClusterFormGivesControlBackToFlinksClient() {
        // An exit would end Flink's client, or the JobManager in application mode: main() fails
        // with an exception instead, and returns when the job was submitted.
        assertThatThrownBy(() -> Main.main(new String[] {"--config", badConfig()}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bidisync: nothing was submitted, see the problems above");
    }

    @Test
    void noArgumentsPrintTheUsageAsAnError() throws Exception {
        assertThat(run()).isEqualTo(Main.USAGE);

        assertThat(err()).startsWith("usage: bidisync demo").contains("Commands:");
        assertThat(out()).isEmpty();
    }
}
