package io.bidisync.standalone;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.ConfigurationUtils;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.JobManagerOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessSpec;
import org.apache.flink.runtime.clusterframework.TaskExecutorProcessUtils;
import org.apache.flink.runtime.jobmanager.JobManagerProcessSpec;
import org.apache.flink.runtime.jobmanager.JobManagerProcessUtils;
import org.apache.flink.runtime.util.config.memory.ProcessMemoryUtils;

import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A Flink standalone session cluster on this machine: a JobManager and TaskManagers as JVMs of
 * their own, started the way Flink's {@code bin/} scripts start them (same entry points, same
 * memory arguments computed from the configuration), from the Maven classpath instead of a
 * distribution's {@code lib/}.
 *
 * <p>Everything lives in a home directory: {@code conf/} (the effective configuration), {@code
 * log/} (one file per process), {@code pid/}, {@code checkpoints/} and {@code savepoints/}. The
 * processes outlive the launcher; {@code stop} ends them by their pid files. The {@code flink}
 * command is Flink's own command-line client against this cluster.
 *
 * <pre>
 * StandaloneCluster --home DIR --conf DIR start [TASKMANAGERS]
 * StandaloneCluster --home DIR stop
 * StandaloneCluster --home DIR status
 * StandaloneCluster --home DIR flink run -d -p 2 bidisync.jar --config sync.yaml
 * </pre>
 */
public final class StandaloneCluster implements AutoCloseable {
    private static final Duration STARTUP_TIMEOUT = Duration.ofMinutes(2);
    private static final Pattern TASK_MANAGER_ID = Pattern.compile("\"id\":\"([^\"]+)\"");
    private static final Pattern RESOURCE_ID =
            Pattern.compile("Starting TaskManager with ResourceID: (\\S+)");
    private static final Pattern SUBMITTED = Pattern.compile("JobID ([0-9a-f]{32})");

    private final Path home;
    private final String classpath;
    private final Map<String, String> environment;
    private final Configuration configuration;
    private final HttpClient http = HttpClient.newHttpClient();
    private Process jobManager;
    private final List<Process> taskManagers = new ArrayList<>();

    private StandaloneCluster(
            Path home,
            String classpath,
            Map<String, String> environment,
            Configuration configuration) {
        this.home = home;
        this.classpath = classpath;
        this.environment = environment;
        this.configuration = configuration;
    }

    /**
     * Writes the effective configuration into {@code home/conf}: {@code confDir}'s {@code
     * config.yaml} with state and log directories inside {@code home}, then {@code overrides}.
     *
     * @param classpath the classpath of the cluster's processes (Flink and Log4j)
     * @param environment variables the processes get on top of this one's (database passwords)
     */
    public static StandaloneCluster prepare(
            Path confDir,
            Path home,
            String classpath,
            Map<String, String> overrides,
            Map<String, String> environment)
            throws IOException {
        Path conf = home.resolve("conf");
        Files.createDirectories(conf);
        Configuration configuration = GlobalConfiguration.loadConfiguration(confDir.toString());
        configuration.setString(
                "execution.checkpointing.dir", home.resolve("checkpoints").toUri().toString());
        configuration.setString(
                "execution.checkpointing.savepoint-dir",
                home.resolve("savepoints").toUri().toString());
        configuration.setString("web.upload.dir", home.resolve("uploads").toString());
        configuration.setString("io.tmp.dirs", home.resolve("tmp").toString());
        overrides.forEach(configuration::setString);
        Files.write(
                conf.resolve("config.yaml"),
                ConfigurationUtils.convertConfigToWritableLines(configuration, false));
        Files.copy(
                confDir.resolve("log4j.properties"),
                conf.resolve("log4j.properties"),
                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        for (String dir : List.of("log", "pid", "tmp", "uploads")) {
            Files.createDirectories(home.resolve(dir));
        }
        return new StandaloneCluster(home, classpath, environment, configuration);
    }

    /**
     * {@link #prepare} in a home emptied first (a previous cluster's checkpoints and logs), with
     * free ports for the REST API and RPC, so that it runs beside anything else on the machine.
     */
    public static StandaloneCluster prepareFresh(
            Path confDir,
            Path home,
            String classpath,
            Map<String, String> overrides,
            Map<String, String> environment)
            throws IOException {
        if (Files.exists(home)) {
            try (Stream<Path> files = Files.walk(home)) {
                for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(f);
                }
            }
        }
        Map<String, String> settings = new HashMap<>();
        settings.put("rest.port", String.valueOf(freePort()));
        settings.put("jobmanager.rpc.port", String.valueOf(freePort()));
        settings.putAll(overrides);
        return prepare(confDir, home, classpath, settings, environment);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Opens a cluster prepared earlier (its home holds the configuration). */
    public static StandaloneCluster open(Path home, String classpath) {
        Configuration configuration =
                GlobalConfiguration.loadConfiguration(home.resolve("conf").toString());
        return new StandaloneCluster(home, classpath, Map.of(), configuration);
    }

    public Path home() {
        return home;
    }

    /** The dashboard and REST API. */
    public String restUrl() {
        return "http://"
                + configuration.get(RestOptions.ADDRESS)
                + ":"
                + configuration.get(RestOptions.PORT);
    }

    /** Starts the JobManager and {@code count} TaskManagers; returns when all are registered. */
    public void start(int count) throws IOException, InterruptedException {
        startJobManager();
        for (int i = 0; i < count; i++) {
            startTaskManager();
        }
    }

    /** Starts the JobManager; returns when its REST API answers. */
    public void startJobManager() throws IOException, InterruptedException {
        JobManagerProcessSpec spec =
                JobManagerProcessUtils.processSpecFromConfigWithNewOptionToInterpretLegacyHeap(
                        configuration, JobManagerOptions.JVM_HEAP_MEMORY);
        List<String> command =
                java(
                        JobManagerProcessUtils.generateJvmParametersStr(spec, configuration),
                        CoreOptions.FLINK_JM_JVM_OPTIONS,
                        "jobmanager");
        command.add("org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint");
        command.addAll(List.of("--configDir", home.resolve("conf").toString()));
        command.addAll(List.of("--executionMode", "cluster"));
        command.addAll(split(JobManagerProcessUtils.generateDynamicConfigsStr(spec)));
        jobManager = launch(command, "jobmanager");
        awaitReady("the JobManager's REST API", jobManager, "jobmanager", () -> get("/overview"));
    }

    /**
     * Starts one more TaskManager; returns its number when the JobManager has registered it.
     * Numbers count every TaskManager started, so a replacement gets a new one.
     */
    public int startTaskManager() throws IOException, InterruptedException {
        Configuration withHeap =
                TaskExecutorProcessUtils.getConfigurationMapLegacyTaskManagerHeapSizeToConfigOption(
                        configuration, TaskManagerOptions.TOTAL_FLINK_MEMORY);
        TaskExecutorProcessSpec spec = TaskExecutorProcessUtils.processSpecFromConfig(withHeap);
        int number = taskManagers.size();
        String name = "taskmanager-" + number;
        List<String> command =
                java(
                        ProcessMemoryUtils.generateJvmParametersStr(spec),
                        CoreOptions.FLINK_TM_JVM_OPTIONS,
                        name);
        command.add("org.apache.flink.runtime.taskexecutor.TaskManagerRunner");
        command.addAll(List.of("--configDir", home.resolve("conf").toString()));
        command.addAll(split(TaskExecutorProcessUtils.generateDynamicConfigsStr(spec)));
        // A TaskManager that was killed stays listed until its heartbeat times out: wait for a
        // new id, not for a count.
        List<String> known = registeredTaskManagers();
        Process process = launch(command, name);
        taskManagers.add(process);
        awaitReady(
                "TaskManager " + number + " to register",
                process,
                name,
                () -> known.containsAll(registeredTaskManagers()) ? null : "");
        return number;
    }

    /** Kills a TaskManager as a crash would ({@code kill -9}): no shutdown, no goodbye. */
    public void killTaskManager(int number) throws InterruptedException {
        Process process = taskManagers.get(number);
        process.destroyForcibly();
        process.waitFor();
    }

    /** The operating system's id of a TaskManager process. */
    public long taskManagerPid(int number) {
        return taskManagers.get(number).pid();
    }

    /** A TaskManager's resource id (as the REST API names it), from its log. */
    public String taskManagerId(int number) throws IOException {
        Path log = home.resolve("log").resolve("taskmanager-" + number + ".log");
        Matcher m = RESOURCE_ID.matcher(Files.readString(log));
        if (!m.find()) {
            throw new IOException("no ResourceID in " + log);
        }
        return m.group(1);
    }

    /** The numbers of the TaskManagers still running. */
    public List<Integer> runningTaskManagers() {
        List<Integer> running = new ArrayList<>();
        for (int i = 0; i < taskManagers.size(); i++) {
            if (taskManagers.get(i).isAlive()) {
                running.add(i);
            }
        }
        return running;
    }

    /** What Flink's command-line client printed and how it ended. */
    public record ClientResult(int exitCode, String output) {
        /** The id of the job a {@code run} submitted. */
        public Optional<String> jobId() {
            Matcher m = SUBMITTED.matcher(output);
            return m.find() ? Optional.of(m.group(1)) : Optional.empty();
        }
    }

    /** Runs Flink's command-line client ({@code bin/flink ARGS}) against this cluster. */
    public ClientResult flink(String... args) throws IOException, InterruptedException {
        List<String> command = java("", CoreOptions.FLINK_CLI_JVM_OPTIONS, "client");
        command.add("org.apache.flink.client.cli.CliFrontend");
        command.addAll(Arrays.asList(args));
        Path output = Files.createTempFile(home.resolve("tmp"), "flink-", ".out");
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        builder.environment().put("FLINK_CONF_DIR", home.resolve("conf").toString());
        Process process = builder.start();
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IOException("flink " + String.join(" ", args) + " did not end in 5 min");
        }
        String text = Files.readString(output);
        Files.delete(output);
        return new ClientResult(process.exitValue(), text);
    }

    /** GET on the REST API; the body, or null when the cluster does not answer (yet). */
    public String get(String path) {
        try {
            HttpResponse<String> response =
                    http.send(
                            HttpRequest.newBuilder(URI.create(restUrl() + path))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            return response.statusCode() == 200 ? response.body() : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Stops every process of the cluster (also those a previous launcher started). */
    @Override
    public void close() throws IOException, InterruptedException {
        List<ProcessHandle> processes = new ArrayList<>();
        try (Stream<Path> pids = Files.list(home.resolve("pid"))) {
            for (Path pid : pids.toList()) {
                ProcessHandle.of(Long.parseLong(Files.readString(pid).trim()))
                        .ifPresent(processes::add);
                Files.delete(pid);
            }
        }
        processes.forEach(ProcessHandle::destroy);
        for (ProcessHandle p : processes) {
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
    }

    private List<String> java(String memory, ConfigOption<String> processOptions, String logName) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(split(memory));
        command.addAll(split(configuration.get(CoreOptions.FLINK_JVM_OPTIONS)));
        command.addAll(split(configuration.get(processOptions)));
        command.add("-Dlog.file=" + home.resolve("log").resolve(logName + ".log"));
        command.add(
                "-Dlog4j.configurationFile="
                        + home.resolve("conf").resolve("log4j.properties").toUri());
        command.addAll(List.of("-cp", classpath));
        return command;
    }

    private Process launch(List<String> command, String name) throws IOException {
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .redirectErrorStream(true)
                        .redirectOutput(
                                ProcessBuilder.Redirect.appendTo(
                                        home.resolve("log").resolve(name + ".out").toFile()));
        builder.environment().putAll(environment);
        Process process = builder.start();
        Files.writeString(home.resolve("pid").resolve(name + ".pid"), Long.toString(process.pid()));
        return process;
    }

    private interface Probe {
        String poll() throws IOException;
    }

    private void awaitReady(String what, Process process, String name, Probe ready)
            throws IOException, InterruptedException {
        long deadline = System.nanoTime() + STARTUP_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IOException(
                        name + " exited with " + process.exitValue() + ": " + tail(name + ".out"));
            }
            if (ready.poll() != null) {
                return;
            }
            Thread.sleep(200);
        }
        throw new IOException("timed out waiting for " + what + ": " + tail(name + ".log"));
    }

    /** The ids of the TaskManagers the JobManager lists. */
    private List<String> registeredTaskManagers() {
        String body = get("/taskmanagers");
        List<String> ids = new ArrayList<>();
        if (body != null) {
            // {"taskmanagers":[{"id":"localhost:43037-ae89bd",…},…]}
            Matcher m = TASK_MANAGER_ID.matcher(body);
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    private String tail(String file) throws IOException {
        Path path = home.resolve("log").resolve(file);
        if (!Files.exists(path)) {
            return "(no " + path + ")";
        }
        List<String> lines = Files.readAllLines(path);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    }

    private static List<String> split(String arguments) {
        String trimmed = arguments == null ? "" : arguments.trim();
        return trimmed.isEmpty() ? List.of() : Arrays.asList(trimmed.split("\\s+"));
    }

    /** The command line of {@code deploy/standalone/cluster}. */
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        Map<String, String> options = new TreeMap<>();
        int i = 0;
        while (i + 1 < args.length && args[i].startsWith("--")) {
            options.put(args[i], args[i + 1]);
            i += 2;
        }
        String command = i < args.length ? args[i] : "help";
        String[] rest = Arrays.copyOfRange(args, Math.min(i + 1, args.length), args.length);
        Path home = Path.of(options.getOrDefault("--home", "bidisync-data/cluster"));
        String classpath = System.getProperty("java.class.path");
        switch (command) {
            case "start" -> {
                int count = rest.length > 0 ? Integer.parseInt(rest[0]) : 1;
                StandaloneCluster cluster =
                        prepare(
                                Path.of(options.getOrDefault("--conf", "conf")),
                                home,
                                classpath,
                                Map.of(),
                                Map.of());
                cluster.start(count);
                out.println(
                        "Flink cluster started: 1 JobManager, "
                                + count
                                + " TaskManager(s). Dashboard: "
                                + cluster.restUrl());
                out.println("Logs: " + home.resolve("log"));
            }
            case "stop" -> {
                open(home, classpath).close();
                out.println("Flink cluster stopped.");
            }
            case "status" -> {
                String overview = open(home, classpath).get("/overview");
                out.println(overview == null ? "not running" : overview);
                System.exit(overview == null ? 1 : 0);
            }
            case "flink" -> {
                ClientResult result = open(home, classpath).flink(rest);
                out.print(result.output());
                System.exit(result.exitCode());
            }
            default -> {
                out.println("usage: cluster start [TASKMANAGERS] | stop | status | flink ARGS…");
                System.exit(command.equals("help") ? 0 : 2);
            }
        }
    }
}
