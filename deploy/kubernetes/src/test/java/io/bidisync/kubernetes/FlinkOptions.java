package io.bidisync.kubernetes;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.FallbackKey;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The configuration keys Flink 1.20 knows, read from its {@code ConfigOption} constants: every
 * option class of {@code org.apache.flink.configuration} (CheckpointingOptions,
 * StateBackendOptions, HighAvailabilityOptions, RestartStrategyOptions, PipelineOptions,
 * TaskManagerOptions, MetricOptions, CoreOptions …) and a few outside it, each with its deprecated
 * and fallback keys. Reporter settings ({@code metrics.reporter.<name>.<setting>}) are checked
 * against MetricOptions' reporter settings and the reporter's own documented parameters.
 */
final class FlinkOptions {
    private static final String CONFIGURATION_PACKAGE = "org/apache/flink/configuration/";

    /** Option classes outside org.apache.flink.configuration whose keys a deployment may set. */
    private static final List<String> MORE_OPTION_CLASSES =
            List.of(
                    "org.apache.flink.streaming.api.environment.ExecutionCheckpointingOptions",
                    "org.apache.flink.contrib.streaming.state.RocksDBOptions",
                    "org.apache.flink.contrib.streaming.state.RocksDBConfigurableOptions");

    /**
     * Parameters of the Prometheus reporter itself (not in MetricOptions): Flink's "Metric
     * Reporters" page, section Prometheus.
     */
    static final Set<String> PROMETHEUS_REPORTER_PARAMETERS =
            Set.of("port", "filterLabelValueCharacters");

    static final String PROMETHEUS_FACTORY =
            "org.apache.flink.metrics.prometheus.PrometheusReporterFactory";

    /**
     * Operator settings a FlinkDeployment may override in its flinkConfiguration: the "dynamic"
     * operator options of the Flink Kubernetes Operator's configuration reference that
     * deploy/README.md mentions. Flink itself does not know them.
     */
    static final Set<String> OPERATOR_KEYS =
            Set.of(
                    "kubernetes.operator.deployment.rollback.enabled",
                    "kubernetes.operator.deployment.readiness.timeout",
                    "kubernetes.operator.periodic.savepoint.interval",
                    "kubernetes.operator.savepoint.history.max.age",
                    "kubernetes.operator.savepoint.history.max.count",
                    "kubernetes.operator.job.upgrade.last-state-fallback.enabled");

    private static final Pattern REPORTER_KEY =
            Pattern.compile("metrics\\.reporter\\.([^.]+)\\.(.+)");

    /** Every known key (main, deprecated or fallback) → the option's main key. */
    private final Map<String, String> canonical = new HashMap<>();

    /** Settings of one reporter: MetricOptions' keys relative to metrics.reporter.<name>. */
    private final Set<String> reporterSettings = new HashSet<>();

    private FlinkOptions() {}

    static FlinkOptions load() {
        FlinkOptions options = new FlinkOptions();
        List<String> classes = new ArrayList<>(MORE_OPTION_CLASSES);
        classes.addAll(configurationClasses());
        for (String name : classes) {
            Class<?> type;
            try {
                type = Class.forName(name, true, FlinkOptions.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                continue; // not an option class we can read: its keys stay unknown
            }
            options.read(type);
        }
        if (!options.canonical.containsKey("execution.checkpointing.interval")) {
            throw new IllegalStateException("no Flink options found on the classpath");
        }
        return options;
    }

    /** The option's main key, or {@code null} when Flink knows no such key. */
    String canonical(String key) {
        return canonical.get(key);
    }

    /** Why Flink (or the operator) would not know {@code key}; {@code null} when it is known. */
    String problem(String key) {
        if (canonical.containsKey(key) || OPERATOR_KEYS.contains(key)) {
            return null;
        }
        Matcher m = REPORTER_KEY.matcher(key);
        if (m.matches()) {
            String setting = m.group(2);
            return reporterSettings.contains(setting)
                            || PROMETHEUS_REPORTER_PARAMETERS.contains(setting)
                    ? null
                    : "unknown reporter setting '" + setting + "'";
        }
        return "not a Flink 1.20 configuration key";
    }

    /** {@code key} with a known deprecated or fallback key replaced by the option's main key. */
    String normalize(String key) {
        String main = canonical.get(key);
        return main == null ? key : main;
    }

    private void read(Class<?> type) {
        for (Field field : type.getDeclaredFields()) {
            if (!Modifier.isStatic(field.getModifiers())
                    || !ConfigOption.class.isAssignableFrom(field.getType())) {
                continue;
            }
            ConfigOption<?> option;
            try {
                field.setAccessible(true);
                option = (ConfigOption<?>) field.get(null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                continue;
            }
            if (option == null) {
                continue;
            }
            String key = option.key();
            if (type.getSimpleName().equals("MetricOptions") && !key.startsWith("metrics.")) {
                reporterSettings.add(key); // e.g. factory.class, interval, scope.delimiter
                continue;
            }
            if (!key.contains(".") || key.startsWith("<")) {
                continue; // relative keys of other option groups, placeholders
            }
            canonical.put(key, key);
            for (FallbackKey fallback : option.fallbackKeys()) {
                canonical.putIfAbsent(fallback.getKey(), key);
            }
        }
    }

    /**
     * The classes directly in org.apache.flink.configuration of the jar that holds Flink's core.
     */
    private static List<String> configurationClasses() {
        Path jar;
        try {
            jar =
                    Path.of(
                            CoreOptions.class
                                    .getProtectionDomain()
                                    .getCodeSource()
                                    .getLocation()
                                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        List<String> classes = new ArrayList<>();
        try (JarFile file = new JarFile(jar.toFile())) {
            Enumeration<JarEntry> entries = file.entries();
            while (entries.hasMoreElements()) {
                String name = entries.nextElement().getName();
                if (name.startsWith(CONFIGURATION_PACKAGE)
                        && name.endsWith("Options.class")
                        && name.indexOf('/', CONFIGURATION_PACKAGE.length()) < 0
                        && !name.contains("$")) {
                    classes.add(
                            name.substring(0, name.length() - ".class".length()).replace('/', '.'));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return classes;
    }
}
