package io.bidisync.kubernetes;

import io.bidisync.job.config.ConfigException;
import io.bidisync.job.config.ConfigLoader;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.kubernetes.Manifests.Doc;

import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.message.SimpleMessage;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.bidisync.kubernetes.Manifests.flinkConfiguration;
import static io.bidisync.kubernetes.Manifests.list;
import static io.bidisync.kubernetes.Manifests.mainContainer;
import static io.bidisync.kubernetes.Manifests.map;
import static io.bidisync.kubernetes.Manifests.path;
import static io.bidisync.kubernetes.Manifests.podLabels;
import static io.bidisync.kubernetes.Manifests.secretKeys;
import static io.bidisync.kubernetes.Manifests.str;
import static io.bidisync.kubernetes.Manifests.volumes;

/**
 * Checks that the Kubernetes manifests agree with the job and with each other. Each check returns
 * its problems, one line each naming the file and object; none means the manifests pass.
 */
final class ManifestChecks {
    /** What the manifests are checked against, besides themselves. */
    record Context(
            Path jobJar,
            String finalName,
            String dockerfile,
            Map<String, String> standaloneConf,
            FlinkOptions options) {}

    static final String ENTRY_CLASS = "io.bidisync.job.submit.ClusterEntry";
    static final String SECRET_PLACEHOLDER = "CHANGE-ME";
    private static final List<String> ROLES = List.of("jobManager", "taskManager");
    private static final Pattern ENV_REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    /** apiVersion → kinds the folder may hold. */
    static final Map<String, Set<String>> KINDS =
            Map.of(
                    "flink.apache.org/v1beta1", Set.of("FlinkDeployment", "FlinkSessionJob"),
                    "v1", Set.of("ConfigMap", "Secret"),
                    "monitoring.coreos.com/v1", Set.of("PodMonitor"));

    /** Settings the job relies on (docs/operations.md, "Running on a Flink cluster"), main keys. */
    static final Map<String, String> REQUIRED_SETTINGS =
            Map.of(
                    "state.backend.type", "rocksdb",
                    "execution.checkpointing.incremental", "true",
                    "execution.checkpointing.externalized-checkpoint-retention",
                            "RETAIN_ON_CANCELLATION",
                    "high-availability.type", "kubernetes",
                    "restart-strategy.type", "exponential-delay",
                    "pipeline.generic-types", "false");

    /** Settings that must be present with a value of the deployment's choosing, main keys. */
    static final List<String> PRESENT_SETTINGS =
            List.of(
                    "execution.checkpointing.interval",
                    "execution.checkpointing.dir",
                    "execution.checkpointing.savepoint-dir",
                    "high-availability.storageDir",
                    "pipeline.max-parallelism",
                    "taskmanager.numberOfTaskSlots");

    private ManifestChecks() {}

    /** Every check. */
    static List<String> all(Manifests m, Context c) {
        List<String> problems = new ArrayList<>();
        problems.addAll(kinds(m));
        problems.addAll(CrdFields.check(m));
        problems.addAll(entryClass(m, c));
        problems.addAll(jarNames(m, c));
        problems.addAll(jobSettings(m));
        problems.addAll(syncConfiguration(m));
        problems.addAll(secretTemplate(m));
        problems.addAll(flinkKeys(m, c));
        problems.addAll(requiredSettings(m, c));
        problems.addAll(sameSettings(m, c));
        problems.addAll(standaloneSettings(m, c));
        problems.addAll(logging(m));
        problems.addAll(sessionJobs(m));
        problems.addAll(podMonitor(m));
        return problems;
    }

    /** apiVersion/kind pairs, and a name for every object. */
    static List<String> kinds(Manifests m) {
        List<String> problems = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (Doc d : m.docs) {
            Set<String> kinds = KINDS.get(d.apiVersion());
            if (kinds == null || !kinds.contains(d.kind())) {
                problems.add(
                        d.file()
                                + " document "
                                + d.index()
                                + ": apiVersion "
                                + d.apiVersion()
                                + " kind "
                                + d.kind()
                                + " is not one of "
                                + KINDS);
            }
            if (d.name() == null || d.name().isBlank()) {
                problems.add(d.file() + " document " + d.index() + ": no metadata.name");
            } else if (!seen.add(d.kind() + "/" + d.name())) {
                problems.add(d.where() + ": defined twice");
            }
        }
        return problems;
    }

    /**
     * Every job's entryClass is in the job jar with {@code public static void main(String[])}, and
     * loads from it on top of Flink's own classes, as on a cluster.
     */
    static List<String> entryClass(Manifests m, Context c) {
        List<String> problems = new ArrayList<>();
        for (Doc job : m.jobs()) {
            String entryClass = str(path(job.spec(), "job", "entryClass"));
            if (entryClass == null) {
                problems.add(job.where() + ": job.entryClass is not set");
                continue;
            }
            String problem = mainMethodProblem(c.jobJar(), entryClass);
            if (problem != null) {
                problems.add(job.where() + ": job.entryClass " + entryClass + " " + problem);
            }
        }
        return problems;
    }

    private static String mainMethodProblem(Path jar, String className) {
        try (JarFile file = new JarFile(jar.toFile())) {
            if (file.getEntry(className.replace('.', '/') + ".class") == null) {
                return "is not in " + jar.getFileName();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (URLClassLoader loader =
                new URLClassLoader(new URL[] {jar.toUri().toURL()}, new FlinkLib())) {
            Class<?> type = Class.forName(className, false, loader);
            Method main = type.getMethod("main", String[].class);
            if (!Modifier.isStatic(main.getModifiers()) || main.getReturnType() != void.class) {
                return "has no public static void main(String[])";
            }
            return null;
        } catch (NoSuchMethodException e) {
            return "has no public static void main(String[])";
        } catch (ClassNotFoundException | IOException e) {
            return "cannot be loaded from " + jar.getFileName() + ": " + e;
        }
    }

    /**
     * What a Flink cluster puts below the job jar's class loader: Flink and its logging, from lib/
     * (the cluster jar has them "provided"); nothing else.
     */
    private static final class FlinkLib extends ClassLoader {
        private static final List<String> PROVIDED =
                List.of("org.apache.flink.", "org.slf4j.", "org.apache.logging.");

        FlinkLib() {
            super(ClassLoader.getPlatformClassLoader());
        }

        @Override
        protected Class<?> findClass(String name) throws ClassNotFoundException {
            if (PROVIDED.stream().noneMatch(name::startsWith)) {
                throw new ClassNotFoundException(name);
            }
            return ManifestChecks.class.getClassLoader().loadClass(name);
        }
    }

    /**
     * The jar names agree: the Dockerfile copies the Maven finalName's jar into the image, an
     * application's {@code local://} jarURI is that file, a session job's jarURI names it.
     */
    static List<String> jarNames(Manifests m, Context c) {
        List<String> problems = new ArrayList<>();
        String jarName = c.finalName() + ".jar";
        if (!c.jobJar().getFileName().toString().equals(jarName)) {
            problems.add("job jar " + c.jobJar() + " is not the Maven finalName " + jarName);
        }
        Map<String, String> copied = dockerfileJarCopies(c.dockerfile());
        if (copied.isEmpty()) {
            problems.add("Dockerfile: no COPY of a .jar");
        }
        copied.forEach(
                (source, target) -> {
                    if (!fileName(source).equals(jarName)) {
                        problems.add(
                                "Dockerfile: copies "
                                        + source
                                        + ", not the Maven finalName "
                                        + jarName);
                    }
                });
        for (Doc job : m.jobs()) {
            String jarUri = str(path(job.spec(), "job", "jarURI"));
            if (jarUri == null) {
                problems.add(job.where() + ": job.jarURI is not set");
                continue;
            }
            URI uri = URI.create(jarUri);
            if (job.kind().equals("FlinkDeployment")) {
                if (!"local".equals(uri.getScheme()) || !copied.containsValue(uri.getPath())) {
                    problems.add(
                            job.where()
                                    + ": job.jarURI "
                                    + jarUri
                                    + " is not local:// + a jar the Dockerfile copies "
                                    + copied.values());
                }
            } else if ("local".equals(uri.getScheme())) {
                problems.add(
                        job.where()
                                + ": job.jarURI "
                                + jarUri
                                + ": the operator downloads a session job's jar, local:// is not supported");
            }
            if (!fileName(uri.getPath()).equals(jarName)) {
                problems.add(job.where() + ": job.jarURI " + jarUri + " does not name " + jarName);
            }
        }
        return problems;
    }

    /** COPY/ADD lines of the Dockerfile that copy a jar: source → target path. */
    static Map<String, String> dockerfileJarCopies(String dockerfile) {
        Map<String, String> copies = new LinkedHashMap<>();
        for (String line : dockerfile.replace("\\\n", " ").split("\n")) {
            String[] words = line.trim().split("\\s+");
            if (words.length < 3
                    || !(words[0].equalsIgnoreCase("COPY") || words[0].equalsIgnoreCase("ADD"))) {
                continue;
            }
            List<String> args = new ArrayList<>();
            for (int i = 1; i < words.length; i++) {
                if (!words[i].startsWith("--")) {
                    args.add(words[i]);
                }
            }
            if (args.size() == 2 && args.get(0).endsWith(".jar")) {
                String target = args.get(1);
                copies.put(
                        args.get(0),
                        target.endsWith("/") ? target + fileName(args.get(0)) : target);
            }
        }
        return copies;
    }

    /** Upgrade mode savepoint, running, a parallelism within the cluster's max parallelism. */
    static List<String> jobSettings(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Doc job : m.jobs()) {
            Map<String, Object> spec = map(job.spec().get("job"));
            if (!"savepoint".equals(spec.get("upgradeMode"))) {
                problems.add(job.where() + ": job.upgradeMode must be savepoint");
            }
            if (!"running".equals(spec.get("state"))) {
                problems.add(job.where() + ": job.state must be running");
            }
            Object parallelism = spec.get("parallelism");
            if (!(parallelism instanceof Integer) || (Integer) parallelism < 1) {
                problems.add(job.where() + ": job.parallelism must be a positive number");
                continue;
            }
            m.clusterOf(job)
                    .map(cluster -> flinkConfiguration(cluster).get("pipeline.max-parallelism"))
                    .filter(
                            max ->
                                    max.matches("\\d+")
                                            && Integer.parseInt(max) < (Integer) parallelism)
                    .ifPresent(
                            max ->
                                    problems.add(
                                            job.where()
                                                    + ": job.parallelism "
                                                    + parallelism
                                                    + " exceeds pipeline.max-parallelism "
                                                    + max));
        }
        return problems;
    }

    /**
     * The {@code --config FILE} argument names a key of a ConfigMap mounted at the file's folder in
     * the JobManager and the TaskManagers; the file passes the job's config loader with the
     * variables the pods' Secrets provide; every {@code ${VAR}} it uses is provided on both.
     */
    static List<String> syncConfiguration(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Doc job : m.jobs()) {
            List<Object> args = list(path(job.spec(), "job", "args"));
            int at = args.indexOf("--config");
            if (at < 0 || at + 1 >= args.size()) {
                problems.add(job.where() + ": job.args has no '--config FILE': " + args);
                continue;
            }
            String file = String.valueOf(args.get(at + 1));
            Doc cluster = m.clusterOf(job).orElse(null);
            if (cluster == null) {
                continue; // sessionJobs() reports it
            }
            Map<String, Set<String>> envByRole = new LinkedHashMap<>();
            String yaml = null;
            for (String role : ROLES) {
                String where = job.where() + " (" + role + " of " + cluster.where() + ")";
                String content = mountedFile(m, cluster, role, file, where, problems);
                if (content != null) {
                    yaml = content;
                }
                envByRole.put(role, secretEnvironment(m, cluster, role, where, problems));
            }
            if (yaml == null) {
                continue;
            }
            Set<String> provided = new TreeSet<>(envByRole.get("jobManager"));
            provided.retainAll(envByRole.get("taskManager"));
            Function<String, String> env =
                    name -> provided.contains(name) ? "value-of-" + name : null;
            SyncConfig config;
            try {
                config = ConfigLoader.parse(yaml, env);
            } catch (ConfigException e) {
                problems.add(job.where() + ": " + file + " is rejected: " + e.problems());
                continue;
            }
            Set<String> used = new TreeSet<>();
            collectReferences(new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml), used);
            for (SystemConfig system : config.systems().values()) {
                if (system.password() != null) {
                    used.add(system.password().environmentVariable());
                }
            }
            if (used.isEmpty()) {
                problems.add(
                        job.where() + ": " + file + " uses no ${VAR}: where are the passwords?");
            }
            for (String role : ROLES) {
                Set<String> missing = new TreeSet<>(used);
                missing.removeAll(envByRole.get(role));
                if (!missing.isEmpty()) {
                    problems.add(
                            job.where()
                                    + ": "
                                    + file
                                    + " uses "
                                    + missing
                                    + ", which no Secret provides to the "
                                    + role
                                    + " pods of "
                                    + cluster.where());
                }
            }
        }
        return problems;
    }

    /** The content of {@code file} in a role's main container, from a mounted ConfigMap. */
    private static String mountedFile(
            Manifests m,
            Doc cluster,
            String role,
            String file,
            String where,
            List<String> problems) {
        Path path = Path.of(file);
        String dir = path.getParent() == null ? "" : path.getParent().toString();
        String name = path.getFileName().toString();
        Map<String, Map<String, Object>> volumes = volumes(cluster, role);
        for (Object o : list(mainContainer(cluster, role).get("volumeMounts"))) {
            Map<String, Object> mount = map(o);
            if (!dir.equals(str(mount.get("mountPath"))) || mount.get("subPath") != null) {
                continue;
            }
            Map<String, Object> volume = volumes.get(str(mount.get("name")));
            if (volume == null) {
                problems.add(
                        where + ": mounts volume " + mount.get("name") + ", which is not defined");
                return null;
            }
            String configMapName = str(path(volume, "configMap", "name"));
            Doc configMap = m.find("ConfigMap", configMapName).orElse(null);
            if (configMap == null) {
                problems.add(where + ": " + dir + " is not a ConfigMap of these manifests");
                return null;
            }
            String key = name;
            List<Object> items = list(path(volume, "configMap", "items"));
            if (!items.isEmpty()) {
                key =
                        items.stream()
                                .map(Manifests::map)
                                .filter(i -> name.equals(str(i.get("path"))))
                                .map(i -> str(i.get("key")))
                                .findFirst()
                                .orElse(null);
            }
            Object content = key == null ? null : map(configMap.root().get("data")).get(key);
            if (content == null) {
                problems.add(where + ": " + configMap.where() + " has no key for " + name);
                return null;
            }
            return String.valueOf(content);
        }
        problems.add(where + ": nothing is mounted at " + dir + " for " + file);
        return null;
    }

    /**
     * The environment variables a role's main container gets from Secrets of these manifests: all
     * keys of an {@code envFrom} secretRef, and {@code env} entries with a secretKeyRef.
     */
    private static Set<String> secretEnvironment(
            Manifests m, Doc cluster, String role, String where, List<String> problems) {
        Set<String> names = new TreeSet<>();
        Map<String, Object> container = mainContainer(cluster, role);
        for (Object o : list(container.get("envFrom"))) {
            Map<String, Object> from = map(o);
            String secretName = str(path(from, "secretRef", "name"));
            if (secretName == null) {
                continue;
            }
            Doc secret = m.find("Secret", secretName).orElse(null);
            if (secret == null) {
                problems.add(
                        where
                                + ": envFrom names Secret "
                                + secretName
                                + ", not in these manifests");
                continue;
            }
            String prefix = from.get("prefix") == null ? "" : str(from.get("prefix"));
            secretKeys(secret).forEach(k -> names.add(prefix + k));
        }
        for (Object o : list(container.get("env"))) {
            Map<String, Object> env = map(o);
            Map<String, Object> ref = map(path(env, "valueFrom", "secretKeyRef"));
            if (ref.isEmpty()) {
                continue;
            }
            Doc secret = m.find("Secret", str(ref.get("name"))).orElse(null);
            if (secret == null || !secretKeys(secret).contains(str(ref.get("key")))) {
                problems.add(
                        where
                                + ": env "
                                + env.get("name")
                                + " refers to a missing Secret key "
                                + ref);
                continue;
            }
            names.add(str(env.get("name")));
        }
        return names;
    }

    private static void collectReferences(Object node, Set<String> into) {
        if (node instanceof Map) {
            ((Map<?, ?>) node).values().forEach(v -> collectReferences(v, into));
        } else if (node instanceof List) {
            ((List<?>) node).forEach(v -> collectReferences(v, into));
        } else if (node instanceof String) {
            Matcher matcher = ENV_REFERENCE.matcher((String) node);
            while (matcher.find()) {
                into.add(matcher.group(1));
            }
        }
    }

    /** The Secret is a template: placeholders only, nothing base64-encoded that could be real. */
    static List<String> secretTemplate(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Doc secret : m.ofKind("Secret")) {
            if (!map(secret.root().get("data")).isEmpty()) {
                problems.add(
                        secret.where() + ": a template has no data (use stringData placeholders)");
            }
            map(secret.root().get("stringData"))
                    .forEach(
                            (key, value) -> {
                                if (!String.valueOf(value).contains(SECRET_PLACEHOLDER)) {
                                    problems.add(
                                            secret.where()
                                                    + ": "
                                                    + key
                                                    + " is not a "
                                                    + SECRET_PLACEHOLDER
                                                    + " placeholder");
                                }
                            });
        }
        return problems;
    }

    /** Every flinkConfiguration key is a Flink 1.20 option (or a reporter/operator setting). */
    static List<String> flinkKeys(Manifests m, Context c) {
        List<String> problems = new ArrayList<>();
        for (Doc d : m.docs) {
            if (!(d.kind().equals("FlinkDeployment") || d.kind().equals("FlinkSessionJob"))) {
                continue;
            }
            for (String key : map(d.spec().get("flinkConfiguration")).keySet()) {
                String problem = c.options().problem(key);
                if (problem != null) {
                    problems.add(d.where() + ": flinkConfiguration " + key + ": " + problem);
                }
            }
        }
        return problems;
    }

    /** What the job relies on is set, and the reporter is Prometheus' on the pods' metrics port. */
    static List<String> requiredSettings(Manifests m, Context c) {
        List<String> problems = new ArrayList<>();
        for (Doc d : m.ofKind("FlinkDeployment")) {
            Map<String, String> conf = normalized(flinkConfiguration(d), c.options());
            REQUIRED_SETTINGS.forEach(
                    (key, value) -> {
                        if (!value.equals(conf.get(key))) {
                            problems.add(
                                    d.where()
                                            + ": "
                                            + key
                                            + " must be "
                                            + value
                                            + ", is "
                                            + conf.get(key));
                        }
                    });
            for (String key : PRESENT_SETTINGS) {
                if (conf.get(key) == null || conf.get(key).isBlank()) {
                    problems.add(d.where() + ": " + key + " is not set");
                }
            }
            for (String key :
                    List.of(
                            "execution.checkpointing.dir",
                            "execution.checkpointing.savepoint-dir",
                            "high-availability.storageDir")) {
                String dir = conf.get(key);
                if (dir != null && (dir.startsWith("file:") || !dir.contains("://"))) {
                    problems.add(
                            d.where()
                                    + ": "
                                    + key
                                    + " "
                                    + dir
                                    + " is not durable storage shared by all pods");
                }
            }
            String factory = conf.get("metrics.reporter.prom.factory.class");
            if (!FlinkOptions.PROMETHEUS_FACTORY.equals(factory)) {
                problems.add(
                        d.where()
                                + ": metrics.reporter.prom.factory.class must be "
                                + FlinkOptions.PROMETHEUS_FACTORY
                                + ", is "
                                + factory);
            }
            String port = conf.get("metrics.reporter.prom.port");
            for (String role : ROLES) {
                boolean exposed =
                        list(mainContainer(d, role).get("ports")).stream()
                                .map(Manifests::map)
                                .anyMatch(
                                        p ->
                                                "metrics".equals(p.get("name"))
                                                        && String.valueOf(p.get("containerPort"))
                                                                .equals(port));
                if (!exposed) {
                    problems.add(
                            d.where()
                                    + ": the "
                                    + role
                                    + " main container has no port 'metrics' = metrics.reporter.prom.port "
                                    + port);
                }
            }
        }
        return problems;
    }

    /** The application and the session cluster run with the same settings (directories aside). */
    static List<String> sameSettings(Manifests m, Context c) {
        List<String> problems = new ArrayList<>();
        List<Doc> deployments = m.ofKind("FlinkDeployment");
        for (int i = 1; i < deployments.size(); i++) {
            Doc a = deployments.get(0);
            Doc b = deployments.get(i);
            Map<String, String> ca = normalized(flinkConfiguration(a), c.options());
            Map<String, String> cb = normalized(flinkConfiguration(b), c.options());
            for (String key : union(ca.keySet(), cb.keySet())) {
                boolean location = key.endsWith("dir") || key.endsWith("storageDir");
                if (location
                        ? ca.containsKey(key) != cb.containsKey(key)
                        : !Objects.equals(ca.get(key), cb.get(key))) {
                    problems.add(
                            b.where()
                                    + ": "
                                    + key
                                    + " is "
                                    + cb.get(key)
                                    + " but "
                                    + ca.get(key)
                                    + " in "
                                    + a.where());
                }
            }
            if (!Objects.equals(
                    a.spec().get("logConfiguration"), b.spec().get("logConfiguration"))) {
                problems.add(b.where() + ": logConfiguration differs from " + a.where());
            }
        }
        return problems;
    }

    /** Settings the standalone cluster's config.yaml also has take the same values. */
    static List<String> standaloneSettings(Manifests m, Context c) {
        List<String> problems = new ArrayList<>();
        Map<String, String> standalone = normalized(c.standaloneConf(), c.options());
        for (Doc d : m.ofKind("FlinkDeployment")) {
            Map<String, String> conf = normalized(flinkConfiguration(d), c.options());
            for (String key : conf.keySet()) {
                if (standalone.containsKey(key) && !standalone.get(key).equals(conf.get(key))) {
                    problems.add(
                            d.where()
                                    + ": "
                                    + key
                                    + " is "
                                    + conf.get(key)
                                    + ", deploy/standalone/conf/config.yaml has "
                                    + standalone.get(key));
                }
            }
        }
        return problems;
    }

    /** Log lines a connector may write: each holds a password that must not reach a log. */
    static final Map<String, String> LOGGED_SECRETS =
            Map.of(
                    "Starting reader: {database.hostname=crm-db, database.password=abcs3cret, database.user=bidisync}",
                    "abcs3cret",
                    "connection properties: user=bidisync;password=p4ss-w0rd;ssl=true",
                    "p4ss-w0rd",
                    "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                            + " username=\"bidisync\" password=\"k4fka-s3cret\";",
                    "k4fka-s3cret");

    /**
     * Every layout of the log configuration masks passwords: each pattern, read as Log4j reads a
     * properties file, formats the lines of {@link #LOGGED_SECRETS} without their password (and
     * without swallowing the rest of the line).
     */
    static List<String> logging(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Doc d : m.ofKind("FlinkDeployment")) {
            Object log4j = path(d.spec(), "logConfiguration", "log4j-console.properties");
            if (log4j == null) {
                problems.add(d.where() + ": logConfiguration has no log4j-console.properties");
                continue;
            }
            Properties properties = new Properties();
            try {
                properties.load(new StringReader(String.valueOf(log4j)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            int layouts = 0;
            for (String key : new TreeSet<>(properties.stringPropertyNames())) {
                if (!key.endsWith(".layout.pattern")) {
                    continue;
                }
                layouts++;
                PatternLayout layout =
                        PatternLayout.newBuilder().withPattern(properties.getProperty(key)).build();
                LOGGED_SECRETS.forEach(
                        (line, secret) -> {
                            String logged =
                                    layout.toSerializable(
                                            Log4jLogEvent.newBuilder()
                                                    .setLoggerName("io.debezium.connector")
                                                    .setLevel(Level.INFO)
                                                    .setMessage(new SimpleMessage(line))
                                                    .build());
                            String leaked = leakedPart(logged, secret);
                            if (leaked != null || !logged.contains("bidisync")) {
                                problems.add(
                                        d.where()
                                                + ": log4j-console.properties "
                                                + key
                                                + " does not mask passwords: "
                                                + logged.strip());
                            }
                        });
            }
            if (layouts == 0) {
                problems.add(d.where() + ": log4j-console.properties defines no layout");
            }
        }
        return problems;
    }

    /** A piece (4 characters or more) of {@code secret} that {@code logged} shows, or null. */
    private static String leakedPart(String logged, String secret) {
        for (int length = secret.length(); length >= 4; length--) {
            for (int from = 0; from + length <= secret.length(); from++) {
                String part = secret.substring(from, from + length);
                if (logged.contains(part)) {
                    return part;
                }
            }
        }
        return null;
    }

    /**
     * A session job names a session cluster (a FlinkDeployment without a job) of these manifests.
     */
    static List<String> sessionJobs(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Doc job : m.ofKind("FlinkSessionJob")) {
            String name = str(job.spec().get("deploymentName"));
            Doc cluster = m.find("FlinkDeployment", name).orElse(null);
            if (cluster == null) {
                problems.add(
                        job.where() + ": deploymentName " + name + " is no FlinkDeployment here");
            } else if (cluster.spec().get("job") != null) {
                problems.add(
                        job.where()
                                + ": "
                                + cluster.where()
                                + " is an application cluster, not a session cluster");
            }
        }
        return problems;
    }

    /** The PodMonitor selects the pods of every FlinkDeployment and scrapes their metrics port. */
    static List<String> podMonitor(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Doc monitor : m.ofKind("PodMonitor")) {
            Map<String, Object> selector = map(path(monitor.spec(), "selector", "matchLabels"));
            if (selector.isEmpty()) {
                problems.add(monitor.where() + ": selector.matchLabels is empty");
            }
            for (Doc d : m.ofKind("FlinkDeployment")) {
                for (String role : ROLES) {
                    Map<String, Object> labels = podLabels(d, role);
                    selector.forEach(
                            (k, v) -> {
                                if (!Objects.equals(String.valueOf(v), str(labels.get(k)))) {
                                    problems.add(
                                            monitor.where()
                                                    + ": selects "
                                                    + k
                                                    + "="
                                                    + v
                                                    + ", the "
                                                    + role
                                                    + " pods of "
                                                    + d.where()
                                                    + " have "
                                                    + labels);
                                }
                            });
                    for (Object e : list(monitor.spec().get("podMetricsEndpoints"))) {
                        Object port = map(e).get("port");
                        boolean exists =
                                list(mainContainer(d, role).get("ports")).stream()
                                        .anyMatch(p -> Objects.equals(map(p).get("name"), port));
                        if (!exists) {
                            problems.add(
                                    monitor.where()
                                            + ": port "
                                            + port
                                            + " is not a port of the "
                                            + role
                                            + " main container of "
                                            + d.where());
                        }
                    }
                }
            }
        }
        return problems;
    }

    // ---------------------------------------------------------------- helpers

    /** Keys as Flink's main keys (a deprecated key counts as its option). */
    static Map<String, String> normalized(Map<String, String> conf, FlinkOptions options) {
        Map<String, String> out = new LinkedHashMap<>();
        conf.forEach((k, v) -> out.put(options.normalize(k), v));
        return out;
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> out = new TreeSet<>(a);
        out.addAll(b);
        return out;
    }

    private static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
