package io.bidisync.launcher;

import io.bidisync.embedded.Convergence;
import io.bidisync.embedded.CustomerTables;
import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.embedded.LocalPostgres;
import io.bidisync.embedded.SampleCompanies;
import io.bidisync.embedded.SampleCustomers;
import io.bidisync.job.SyncJob;
import io.bidisync.job.config.ConfigLoader;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.metrics.RestMetrics;
import io.bidisync.job.validation.TableTypes;
import io.bidisync.udfs.normalize.Normalizer;

import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code bidisync demo}: two real PostgreSQL servers (CRM and ERP) with overlapping, differently
 * spelled and duplicated customers, the job in a local MiniCluster with the dashboard, a few live
 * edits (one racing the job), and what converged. Needs nothing but a JDK and Maven.
 */
@Command(
        name = "demo",
        description = {
            "The demo: two real PostgreSQL servers (CRM and ERP) with customers in one system only,"
                    + " spelt differently and duplicated; the job in a local MiniCluster with its"
                    + " dashboard; live edits in both systems, one racing the job; the tables before"
                    + " and after, and the job's metrics. Needs nothing but a JDK."
        })
final class DemoCommand implements Callable<Integer> {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);
    private static final String DATABASE = "demo";

    @Option(
            names = "--keep-running",
            description =
                    "Leave the databases and the job running after the demo (prints the JDBC URLs"
                            + " and a psql example; Ctrl-C stops everything).")
    private boolean keepRunning;

    @Mixin private SharedOptions.Help help;

    private final PrintStream out;
    private final long started = System.nanoTime();

    private LocalPostgres crm;
    private LocalPostgres erp;
    private RestMetrics metrics;
    private JobClient job;

    DemoCommand(PrintStream out) {
        this.out = out;
    }

    @Override
    public Integer call() throws Exception {
        try {
            startDatabases();
            List<Row> crmBefore = crmRows();
            List<Row> erpBefore = erpRows();
            printTables("Before", crmBefore, erpBefore);

            startJob();
            say("Initial sync: waiting until both snapshots are read, then for completeness…");
            awaitConvergence(0);
            printTables("After the initial sync", crmRows(), erpRows());

            liveEdits();
            printTables("After the live edits", crmRows(), erpRows());
            printMetrics();

            if (keepRunning) {
                keepRunning();
            }
            return Main.OK;
        } catch (DemoFailed e) {
            out.println();
            out.println("The demo did not converge: " + e.getMessage());
            return Main.PROBLEMS;
        } finally {
            stop();
        }
    }

    private void startDatabases() throws Exception {
        say("Starting PostgreSQL for CRM and for ERP (embedded, logical replication on)…");
        crm = LocalPostgres.start("crm");
        erp = LocalPostgres.start("erp");
        crm.createDatabase(DATABASE);
        erp.createDatabase(DATABASE);
        crm.execute(
                DATABASE,
                CustomerTables.crm(DemoCommand::emailKey)
                        + SampleCustomers.CRM_SEED
                        + SampleCompanies.CRM);
        erp.execute(
                DATABASE,
                CustomerTables.erp(DemoCommand::emailKey)
                        + SampleCustomers.ERP_SEED
                        + SampleCompanies.ERP);
    }

    /** The job's SQL for the normalised e-mail in a column: the tables' key indexes. */
    private static String emailKey(String column) {
        return SqlDialect.POSTGRES.normalized(Normalizer.EMAIL, column);
    }

    private void startJob() throws Exception {
        // Companies and the customers that reference them, one job; types from the tables.
        JobConfig config =
                ConfigLoader.parseJob(
                                SampleCompanies.CONFIG.formatted(
                                        crm.jdbcUrl(DATABASE), erp.jdbcUrl(DATABASE)),
                                System::getenv)
                        .map(entity -> TableTypes.infer(entity).config());
        SyncJob.prepareDatabases(config);
        Configuration flink = LocalFlink.local(LocalFlink.freePort(8081));
        flink.set(
                CheckpointingOptions.CHECKPOINTS_DIRECTORY,
                Files.createTempDirectory("bidisync-demo-checkpoints").toUri().toString());
        StreamExecutionEnvironment env =
                StreamExecutionEnvironment.createLocalEnvironmentWithWebUI(flink);
        SyncJob.ofDatabases(config).build(env);
        job = env.executeAsync("bidisync demo");
        String dashboard = "http://127.0.0.1:" + flink.get(RestOptions.PORT);
        metrics = new RestMetrics(dashboard);
        say("Job running. Dashboard: " + dashboard);
    }

    private void liveEdits() throws Exception {
        say("Live edits:");
        say("  CRM: Ann Lee moves to Drammen.");
        crm.execute(
                DATABASE,
                "UPDATE customer SET city = 'Drammen', version = version + 1 WHERE email = 'ann@example.com'");
        say("  ERP: Finn Fjord gets a new phone number.");
        erp.execute(
                DATABASE,
                "UPDATE client SET phone = '+47 911 66 666', row_version = row_version + 1 WHERE mail = 'finn@example.com'");
        say("  ERP: a new customer, Hege Hansen.");
        erp.execute(
                DATABASE,
                "INSERT INTO client (mail, name, phone, town) VALUES ('hege@example.com', 'Hege Hansen', NULL, 'Molde')");
        awaitConvergence(0);

        say("  CRM: Ann Lee moves to Fjordkraft AS (CRM's company 2; ERP knows it by its own id).");
        crm.execute(
                DATABASE,
                "UPDATE customer SET company_id = 2, version = version + 1 WHERE email = 'ann@example.com'");
        awaitConvergence(0);
        say(
                "        ERP: ann@example.com works at "
                        + employers(erp, SampleCompanies.ERP_EMPLOYERS).get("ann@example.com")
                        + " (firmanr "
                        + firmOf("ann@example.com")
                        + ").");

        long conflicts = total("system.erp.conflicts");
        say("  Race: CRM corrects Bob's name while another process changes his phone in ERP");
        say("        and holds the row; the job's update of Bob in ERP arrives at the same time.");
        try (Connection other = erp.connect(DATABASE)) {
            other.setAutoCommit(false);
            try (Statement s = other.createStatement()) {
                int held =
                        s.executeUpdate(
                                "UPDATE client SET phone = '+47 922 22 222', row_version = row_version + 1"
                                        + " WHERE lower(mail) LIKE 'bob.berg%'");
                if (held != 1) {
                    throw new DemoFailed(
                            "the other process found " + held + " rows for Bob in ERP");
                }
            }
            crm.execute(
                    DATABASE,
                    "UPDATE customer SET full_name = 'Bob E. Berg', version = version + 1"
                            + " WHERE lower(email) LIKE 'bob.berg%'");
            awaitJobWaitingForRow();
            other.commit();
        }
        say(
                "        The other process commits first; the job's update finds a newer version and is not applied.");
        awaitConvergence(conflicts + 1);
        Row bob =
                erpRows().stream()
                        .filter(r -> r.email().toLowerCase().contains("bob"))
                        .findFirst()
                        .orElseThrow();
        say(
                "        Both changes survive: "
                        + bob.name()
                        + ", "
                        + bob.phone()
                        + " in both systems.");
    }

    private void awaitJobWaitingForRow() throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            try (Connection c = erp.connect(DATABASE)) {
                if (Database.sessionsWaitingForLock(c) > 0) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new DemoFailed("the job's update of Bob never reached ERP");
    }

    /** Waits until both systems agree and at least {@code conflicts} ERP conflicts were counted. */
    private void awaitConvergence(long conflicts) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        long lastProgress = 0;
        while (true) {
            List<String> differences =
                    new ArrayList<>(Convergence.differences(crmRows(), erpRows()));
            Map<String, String> crmEmployers = employers(crm, SampleCompanies.CRM_EMPLOYERS);
            Map<String, String> erpEmployers = employers(erp, SampleCompanies.ERP_EMPLOYERS);
            if (!crmEmployers.equals(erpEmployers)) {
                differences.add("companies differ: " + crmEmployers + " vs " + erpEmployers);
            }
            boolean done = differences.isEmpty() && total("system.erp.conflicts") >= conflicts;
            if (done || System.nanoTime() - lastProgress > 2_000_000_000L) {
                lastProgress = System.nanoTime();
                Map<String, Long> t = metrics.totals(job.getJobID());
                say(
                        String.format(
                                "  read CRM %d / ERP %d changes · golden records emitted %d · waiting %d · inserted %d · updated %d · conflicts %d%s",
                                t.getOrDefault("system.crm.recordsIn", 0L),
                                t.getOrDefault("system.erp.recordsIn", 0L),
                                t.getOrDefault("goldenRecordsEmitted", 0L),
                                t.getOrDefault("recordsWaitingForCompleteness", 0L),
                                t.getOrDefault("system.crm.inserts", 0L)
                                        + t.getOrDefault("system.erp.inserts", 0L),
                                t.getOrDefault("system.crm.updates", 0L)
                                        + t.getOrDefault("system.erp.updates", 0L),
                                t.getOrDefault("system.crm.conflicts", 0L)
                                        + t.getOrDefault("system.erp.conflicts", 0L),
                                done ? " · converged" : ""));
            }
            if (done) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new DemoFailed(String.join("; ", differences));
            }
            Thread.sleep(250);
        }
    }

    private long total(String name) throws Exception {
        return metrics.totals(job.getJobID()).getOrDefault(name, 0L);
    }

    private void printMetrics() throws Exception {
        Thread.sleep(1_500);
        out.println();
        out.println("Metrics (as in the dashboard, group 'bidisync'):");
        metrics.totals(job.getJobID())
                .forEach((name, value) -> out.printf("  %-36s %d%n", name, value));
    }

    private void keepRunning() throws InterruptedException {
        out.println();
        out.println("Everything keeps running (Ctrl-C stops it). Try an edit and watch it sync:");
        out.println("  CRM: " + crm.jdbcUrl(DATABASE) + "  (user postgres, table customer)");
        out.println("  ERP: " + erp.jdbcUrl(DATABASE) + "  (user postgres, table client)");
        out.println(
                "  e.g. psql -h localhost -p "
                        + crm.port()
                        + " -U postgres "
                        + DATABASE
                        + " -c \"UPDATE customer SET city = 'Hamar', version = version + 1 WHERE id = 1\"");
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime()
                .addShutdownHook(
                        new Thread(
                                () -> {
                                    stop();
                                    stopped.countDown();
                                }));
        stopped.await();
    }

    private synchronized void stop() {
        try {
            if (job != null) {
                job.cancel().get();
                awaitTermination(job);
                job = null;
            }
        } catch (Exception e) {
            out.println("(stopping the job: " + e.getMessage() + ")");
        }
        for (LocalPostgres server : new LocalPostgres[] {crm, erp}) {
            try {
                if (server != null) {
                    server.close();
                }
            } catch (Exception e) {
                out.println("(stopping " + server.name() + ": " + e.getMessage() + ")");
            }
        }
        crm = null;
        erp = null;
    }

    /** Waits until the job's tasks are gone, so no source still reads when the databases stop. */
    private static void awaitTermination(JobClient job) throws InterruptedException {
        try {
            job.getJobExecutionResult().get(1, TimeUnit.MINUTES);
        } catch (ExecutionException | TimeoutException e) {
            // Cancelled jobs end "exceptionally"; the wait is what matters here.
        }
    }

    private List<Row> crmRows() throws SQLException {
        try (Connection c = crm.connect(DATABASE)) {
            return CustomerTables.crmRows(c);
        }
    }

    private List<Row> erpRows() throws SQLException {
        try (Connection c = erp.connect(DATABASE)) {
            return CustomerTables.erpRows(c);
        }
    }

    private void printTables(String title, List<Row> crmRows, List<Row> erpRows)
            throws SQLException {
        out.println();
        out.println(title + ":");
        printTable("CRM customer", crmRows);
        printTable("ERP client", erpRows);
        printCompanies("CRM company", crm, SampleCompanies.CRM_COMPANIES);
        printCompanies("ERP firma", erp, SampleCompanies.ERP_COMPANIES);
        out.println("  Who works where (each system's own reference, shown by company name):");
        Map<String, String> crmEmployers = employers(crm, SampleCompanies.CRM_EMPLOYERS);
        Map<String, String> erpEmployers = employers(erp, SampleCompanies.ERP_EMPLOYERS);
        Set<String> people = new TreeSet<>(crmEmployers.keySet());
        people.addAll(erpEmployers.keySet());
        out.printf("    %-24s %-16s %s%n", "email", "CRM", "ERP");
        for (String person : people) {
            out.printf(
                    "    %-24s %-16s %s%n",
                    person, crmEmployers.get(person), erpEmployers.get(person));
        }
    }

    private void printCompanies(String name, LocalPostgres server, String sql) throws SQLException {
        Map<String, String> companies = employers(server, sql);
        out.printf(
                "  %s (%d rows): %s%n",
                name, companies.size(), String.join(", ", companies.keySet()));
    }

    /** Each customer's company name in one system, by normalised e-mail. */
    private static Map<String, String> employers(LocalPostgres server, String sql)
            throws SQLException {
        try (Connection c = server.connect(DATABASE)) {
            return SampleCompanies.read(c, sql);
        }
    }

    private String firmOf(String email) throws SQLException {
        try (Connection c = erp.connect(DATABASE);
                PreparedStatement st =
                        c.prepareStatement("SELECT firma FROM client WHERE mail = ?")) {
            st.setString(1, email);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private void printTable(String name, List<Row> rows) {
        out.printf("  %s (%d rows)%n", name, rows.size());
        out.printf(
                "    %-4s %-24s %-14s %-16s %-14s %s%n",
                "id", "email", "name", "phone", "city", "version");
        for (Row r : rows) {
            out.printf(
                    "    %-4s %-24s %-14s %-16s %-14s %d%n",
                    r.id(), quoted(r.email()), r.name(), r.phone(), r.city(), r.version());
        }
    }

    private static String quoted(String value) {
        return value == null ? "null" : "'" + value + "'";
    }

    private void say(String line) {
        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        out.printf("[%3ds] %s%n", seconds, line);
    }

    private static final class DemoFailed extends RuntimeException {
        private static final long serialVersionUID = 1L;

        DemoFailed(String message) {
            super(message);
        }
    }
}
