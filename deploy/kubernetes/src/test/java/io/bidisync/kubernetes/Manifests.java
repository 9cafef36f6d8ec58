package io.bidisync.kubernetes;

import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Every Kubernetes object in the {@code *.yaml} files of a folder (multi-document files included),
 * as the plain maps and lists SnakeYAML reads, with the navigation the checks need.
 *
 * <p>{@link #copy()} gives a deep copy a test may change, to show that a check fails.
 */
final class Manifests {
    /** One object: the file it came from, its position there, and its content. */
    record Doc(String file, int index, Map<String, Object> root) {
        String apiVersion() {
            return str(root.get("apiVersion"));
        }

        String kind() {
            return str(root.get("kind"));
        }

        String name() {
            return str(path(root, "metadata", "name"));
        }

        Map<String, Object> spec() {
            return map(root.get("spec"));
        }

        /** How problems name this object: {@code file.yaml FlinkDeployment/name}. */
        String where() {
            return file + " " + kind() + "/" + name();
        }
    }

    /** The main container of a Flink pod: the operator merges templates into this one. */
    static final String MAIN_CONTAINER = "flink-main-container";

    final List<Doc> docs;

    private Manifests(List<Doc> docs) {
        this.docs = docs;
    }

    static Manifests load(Path dir) {
        List<Doc> docs = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file :
                    files.filter(f -> f.getFileName().toString().endsWith(".yaml"))
                            .sorted()
                            .collect(Collectors.toList())) {
                int index = 0;
                Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
                for (Object o : yaml.loadAll(Files.readString(file))) {
                    if (o == null) {
                        continue; // an empty document, e.g. after a trailing '---'
                    }
                    if (!(o instanceof Map)) {
                        throw new IllegalArgumentException(
                                file + " document " + index + ": not a Kubernetes object");
                    }
                    docs.add(new Doc(file.getFileName().toString(), index++, map(o)));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Manifests(docs);
    }

    Manifests copy() {
        List<Doc> copies = new ArrayList<>();
        for (Doc d : docs) {
            copies.add(new Doc(d.file(), d.index(), map(deepCopy(d.root()))));
        }
        return new Manifests(copies);
    }

    List<Doc> ofKind(String kind) {
        return docs.stream().filter(d -> kind.equals(d.kind())).collect(Collectors.toList());
    }

    Optional<Doc> find(String kind, String name) {
        return docs.stream()
                .filter(d -> kind.equals(d.kind()) && Objects.equals(name, d.name()))
                .findFirst();
    }

    /** The object of that kind and name; fails when there is none. */
    Doc get(String kind, String name) {
        return find(kind, name)
                .orElseThrow(() -> new IllegalArgumentException("no " + kind + "/" + name));
    }

    /** The FlinkDeployment a job runs on: itself, or a session job's {@code deploymentName}. */
    Optional<Doc> clusterOf(Doc job) {
        if ("FlinkDeployment".equals(job.kind())) {
            return Optional.of(job);
        }
        return find("FlinkDeployment", str(job.spec().get("deploymentName")));
    }

    /** FlinkDeployments and FlinkSessionJobs: everything with a {@code spec.job}. */
    List<Doc> jobs() {
        return docs.stream()
                .filter(
                        d ->
                                d.kind().equals("FlinkDeployment")
                                        || d.kind().equals("FlinkSessionJob"))
                .filter(d -> d.spec().get("job") != null)
                .collect(Collectors.toList());
    }

    // ---------------------------------------------------------------- effective pod templates

    /**
     * The main container of a FlinkDeployment's {@code role} pods ("jobManager" or "taskManager"):
     * {@code spec.podTemplate} merged with {@code spec.<role>.podTemplate}, the way the operator
     * layers them (lists of the main container joined).
     */
    static Map<String, Object> mainContainer(Doc deployment, String role) {
        Map<String, Object> merged = new LinkedHashMap<>();
        for (Map<String, Object> template : templates(deployment, role)) {
            for (Object c : list(path(template, "spec", "containers"))) {
                Map<String, Object> container = map(c);
                if (!MAIN_CONTAINER.equals(container.get("name"))) {
                    continue;
                }
                for (Map.Entry<String, Object> e : container.entrySet()) {
                    Object before = merged.get(e.getKey());
                    if (before instanceof List && e.getValue() instanceof List) {
                        List<Object> joined = new ArrayList<>(list(before));
                        joined.addAll(list(e.getValue()));
                        merged.put(e.getKey(), joined);
                    } else {
                        merged.put(e.getKey(), e.getValue());
                    }
                }
            }
        }
        return merged;
    }

    /** The volumes of a FlinkDeployment's {@code role} pods, by name. */
    static Map<String, Map<String, Object>> volumes(Doc deployment, String role) {
        Map<String, Map<String, Object>> volumes = new LinkedHashMap<>();
        for (Map<String, Object> template : templates(deployment, role)) {
            for (Object v : list(path(template, "spec", "volumes"))) {
                volumes.put(str(map(v).get("name")), map(v));
            }
        }
        return volumes;
    }

    /** The labels of a FlinkDeployment's {@code role} pods (set by the templates). */
    static Map<String, Object> podLabels(Doc deployment, String role) {
        Map<String, Object> labels = new LinkedHashMap<>();
        for (Map<String, Object> template : templates(deployment, role)) {
            labels.putAll(map(path(template, "metadata", "labels")));
        }
        return labels;
    }

    private static List<Map<String, Object>> templates(Doc deployment, String role) {
        List<Map<String, Object>> templates = new ArrayList<>();
        Object base = deployment.spec().get("podTemplate");
        if (base != null) {
            templates.add(map(base));
        }
        Object specific = path(deployment.spec(), role, "podTemplate");
        if (specific != null) {
            templates.add(map(specific));
        }
        return templates;
    }

    /** The flinkConfiguration of a FlinkDeployment, values as text. */
    static Map<String, String> flinkConfiguration(Doc deployment) {
        Map<String, String> conf = new LinkedHashMap<>();
        map(deployment.spec().get("flinkConfiguration"))
                .forEach((k, v) -> conf.put(k, v == null ? null : String.valueOf(v)));
        return conf;
    }

    /** The keys a Secret provides: {@code stringData} and {@code data}. */
    static Set<String> secretKeys(Doc secret) {
        Set<String> keys = new LinkedHashSet<>();
        keys.addAll(map(secret.root().get("stringData")).keySet());
        keys.addAll(map(secret.root().get("data")).keySet());
        return keys;
    }

    // ---------------------------------------------------------------- plain YAML navigation

    static Object path(Object node, String... keys) {
        Object current = node;
        for (String key : keys) {
            if (!(current instanceof Map)) {
                return null;
            }
            current = ((Map<?, ?>) current).get(key);
        }
        return current;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object node) {
        return node instanceof Map ? (Map<String, Object>) node : Map.of();
    }

    @SuppressWarnings("unchecked")
    static List<Object> list(Object node) {
        return node instanceof List ? (List<Object>) node : List.of();
    }

    static String str(Object node) {
        return node == null ? null : String.valueOf(node);
    }

    private static Object deepCopy(Object node) {
        if (node instanceof Map) {
            Map<String, Object> copy = new LinkedHashMap<>();
            ((Map<?, ?>) node).forEach((k, v) -> copy.put(String.valueOf(k), deepCopy(v)));
            return copy;
        }
        if (node instanceof List) {
            List<Object> copy = new ArrayList<>();
            ((List<?>) node).forEach(v -> copy.add(deepCopy(v)));
            return copy;
        }
        return node;
    }
}
