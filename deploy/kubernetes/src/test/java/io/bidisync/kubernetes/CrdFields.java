package io.bidisync.kubernetes;

import io.bidisync.kubernetes.Manifests.Doc;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Field names and value types of the objects in the folder, so a misspelt field (which the API
 * server may drop without a word) fails here. The Flink resources follow the Flink Kubernetes
 * Operator's CRD reference (v1beta1, docs/custom-resource/reference.md of operator 1.13: the fields
 * of FlinkDeploymentSpec, FlinkSessionJobSpec, JobSpec, JobManagerSpec, TaskManagerSpec, Resource
 * and their enums); pod templates, ConfigMaps and Secrets the Kubernetes core/v1 API; the
 * PodMonitor the prometheus-operator's monitoring.coreos.com/v1 API. Only the parts of those APIs
 * that manifests like these use are listed: a field outside them is reported, to be looked up and
 * added here.
 */
final class CrdFields {
    /** A node's expected shape. */
    private sealed interface Shape permits Obj, MapOf, ListOf, Scalar {}

    /** An object with these fields (any subset), each with its shape. */
    private record Obj(Map<String, Shape> fields) implements Shape {}

    /** A map with free keys and values of one shape. */
    private record MapOf(Shape values) implements Shape {}

    private record ListOf(Shape items) implements Shape {}

    /** A scalar: one of the allowed Java types (as SnakeYAML reads them), or one of values. */
    private record Scalar(String name, Set<Class<?>> types, Set<String> values) implements Shape {}

    private static final Scalar STRING = new Scalar("a string", Set.of(String.class), Set.of());
    private static final Scalar INTEGER =
            new Scalar("an integer", Set.of(Integer.class, Long.class), Set.of());
    private static final Scalar NUMBER =
            new Scalar("a number", Set.of(Integer.class, Long.class, Double.class), Set.of());
    private static final Scalar BOOLEAN =
            new Scalar("true or false", Set.of(Boolean.class), Set.of());
    private static final Scalar INT_OR_STRING =
            new Scalar("a number or a name", Set.of(Integer.class, String.class), Set.of());

    private static Scalar oneOf(String... values) {
        return new Scalar("one of " + List.of(values), Set.of(String.class), Set.of(values));
    }

    private static Obj obj(Object... nameShapePairs) {
        Map<String, Shape> fields = new LinkedHashMap<>();
        for (int i = 0; i < nameShapePairs.length; i += 2) {
            fields.put((String) nameShapePairs[i], (Shape) nameShapePairs[i + 1]);
        }
        return new Obj(fields);
    }

    private static final Shape STRING_MAP = new MapOf(STRING);

    private static final Shape METADATA =
            obj(
                    "name",
                    STRING,
                    "namespace",
                    STRING,
                    "labels",
                    STRING_MAP,
                    "annotations",
                    STRING_MAP);

    // ---------------------------------------------------------------- core/v1 pod template parts

    private static final Shape KEY_TO_PATH =
            new ListOf(obj("key", STRING, "path", STRING, "mode", INTEGER));

    private static final Shape ENV_VAR =
            obj(
                    "name", STRING,
                    "value", STRING,
                    "valueFrom",
                            obj(
                                    "secretKeyRef",
                                            obj("name", STRING, "key", STRING, "optional", BOOLEAN),
                                    "configMapKeyRef",
                                            obj("name", STRING, "key", STRING, "optional", BOOLEAN),
                                    "fieldRef", obj("apiVersion", STRING, "fieldPath", STRING),
                                    "resourceFieldRef",
                                            obj(
                                                    "containerName",
                                                    STRING,
                                                    "resource",
                                                    STRING,
                                                    "divisor",
                                                    STRING)));

    private static final Shape ENV_FROM =
            obj(
                    "prefix", STRING,
                    "secretRef", obj("name", STRING, "optional", BOOLEAN),
                    "configMapRef", obj("name", STRING, "optional", BOOLEAN));

    private static final Shape CONTAINER =
            obj(
                    "name", STRING,
                    "image", STRING,
                    "imagePullPolicy", oneOf("Always", "IfNotPresent", "Never"),
                    "command", new ListOf(STRING),
                    "args", new ListOf(STRING),
                    "workingDir", STRING,
                    "ports",
                            new ListOf(
                                    obj(
                                            "name", STRING,
                                            "containerPort", INTEGER,
                                            "protocol", oneOf("TCP", "UDP", "SCTP"),
                                            "hostPort", INTEGER,
                                            "hostIP", STRING)),
                    "env", new ListOf(ENV_VAR),
                    "envFrom", new ListOf(ENV_FROM),
                    "resources",
                            obj(
                                    "requests", new MapOf(INT_OR_STRING),
                                    "limits", new MapOf(INT_OR_STRING)),
                    "volumeMounts",
                            new ListOf(
                                    obj(
                                            "name", STRING,
                                            "mountPath", STRING,
                                            "readOnly", BOOLEAN,
                                            "subPath", STRING,
                                            "subPathExpr", STRING,
                                            "mountPropagation", STRING)),
                    "securityContext",
                            new MapOf(new Scalar("anything", Set.of(Object.class), Set.of())),
                    "terminationMessagePolicy", STRING);

    private static final Shape VOLUME =
            obj(
                    "name", STRING,
                    "configMap",
                            obj(
                                    "name", STRING,
                                    "items", KEY_TO_PATH,
                                    "defaultMode", INTEGER,
                                    "optional", BOOLEAN),
                    "secret",
                            obj(
                                    "secretName", STRING,
                                    "items", KEY_TO_PATH,
                                    "defaultMode", INTEGER,
                                    "optional", BOOLEAN),
                    "emptyDir", obj("medium", STRING, "sizeLimit", STRING),
                    "persistentVolumeClaim", obj("claimName", STRING, "readOnly", BOOLEAN));

    private static final Shape POD_TEMPLATE =
            obj(
                    "apiVersion", STRING,
                    "kind", STRING,
                    "metadata", METADATA,
                    "spec",
                            obj(
                                    "containers",
                                    new ListOf(CONTAINER),
                                    "initContainers",
                                    new ListOf(CONTAINER),
                                    "volumes",
                                    new ListOf(VOLUME),
                                    "serviceAccountName",
                                    STRING,
                                    "nodeSelector",
                                    STRING_MAP,
                                    "imagePullSecrets",
                                    new ListOf(obj("name", STRING)),
                                    "priorityClassName",
                                    STRING,
                                    "terminationGracePeriodSeconds",
                                    INTEGER));

    // ---------------------------------------------------------------- operator v1beta1

    private static final Shape RESOURCE =
            obj("cpu", NUMBER, "memory", STRING, "ephemeralStorage", STRING);

    private static final Shape JOB =
            obj(
                    "jarURI", STRING,
                    "parallelism", INTEGER,
                    "entryClass", STRING,
                    "args", new ListOf(STRING),
                    "state", oneOf("running", "suspended"),
                    "savepointTriggerNonce", INTEGER,
                    "initialSavepointPath", STRING,
                    "checkpointTriggerNonce", INTEGER,
                    "upgradeMode", oneOf("savepoint", "last-state", "stateless"),
                    "allowNonRestoredState", BOOLEAN,
                    "savepointRedeployNonce", INTEGER,
                    "autoscalerResetNonce", INTEGER);

    /**
     * Flat string keys to string values: older operators read flinkConfiguration as a {@code
     * Map<String, String>}, so an unquoted number or boolean is not portable.
     */
    private static final Shape FLINK_CONFIGURATION = STRING_MAP;

    private static final Shape FLINK_DEPLOYMENT =
            obj(
                    "apiVersion", STRING,
                    "kind", STRING,
                    "metadata", METADATA,
                    "spec",
                            obj(
                                    "job", JOB,
                                    "restartNonce", INTEGER,
                                    "flinkConfiguration", FLINK_CONFIGURATION,
                                    "image", STRING,
                                    "imagePullPolicy", oneOf("Always", "IfNotPresent", "Never"),
                                    "serviceAccount", STRING,
                                    "flinkVersion", oneOf("v1_20"),
                                    "podTemplate", POD_TEMPLATE,
                                    "jobManager",
                                            obj(
                                                    "resource",
                                                    RESOURCE,
                                                    "replicas",
                                                    INTEGER,
                                                    "podTemplate",
                                                    POD_TEMPLATE),
                                    "taskManager",
                                            obj(
                                                    "resource",
                                                    RESOURCE,
                                                    "replicas",
                                                    INTEGER,
                                                    "podTemplate",
                                                    POD_TEMPLATE),
                                    "logConfiguration", STRING_MAP,
                                    "mode", oneOf("native", "standalone")));

    private static final Shape FLINK_SESSION_JOB =
            obj(
                    "apiVersion", STRING,
                    "kind", STRING,
                    "metadata", METADATA,
                    "spec",
                            obj(
                                    "job", JOB,
                                    "restartNonce", INTEGER,
                                    "flinkConfiguration", FLINK_CONFIGURATION,
                                    "deploymentName", STRING));

    // ---------------------------------------------------------------- the rest

    private static final Shape CONFIG_MAP =
            obj(
                    "apiVersion", STRING,
                    "kind", STRING,
                    "metadata", METADATA,
                    "data", STRING_MAP,
                    "immutable", BOOLEAN);

    private static final Shape SECRET =
            obj(
                    "apiVersion", STRING,
                    "kind", STRING,
                    "metadata", METADATA,
                    "type", STRING,
                    "stringData", STRING_MAP,
                    "data", STRING_MAP,
                    "immutable", BOOLEAN);

    private static final Shape POD_MONITOR =
            obj(
                    "apiVersion", STRING,
                    "kind", STRING,
                    "metadata", METADATA,
                    "spec",
                            obj(
                                    "selector",
                                    obj("matchLabels", STRING_MAP),
                                    "namespaceSelector",
                                    obj("any", BOOLEAN, "matchNames", new ListOf(STRING)),
                                    "jobLabel",
                                    STRING,
                                    "podTargetLabels",
                                    new ListOf(STRING),
                                    "podMetricsEndpoints",
                                    new ListOf(
                                            obj(
                                                    "port", STRING,
                                                    "path", STRING,
                                                    "scheme", oneOf("http", "https"),
                                                    "interval", STRING,
                                                    "scrapeTimeout", STRING,
                                                    "honorLabels", BOOLEAN))));

    private static final Map<String, Shape> BY_KIND =
            Map.of(
                    "FlinkDeployment", FLINK_DEPLOYMENT,
                    "FlinkSessionJob", FLINK_SESSION_JOB,
                    "ConfigMap", CONFIG_MAP,
                    "Secret", SECRET,
                    "PodMonitor", POD_MONITOR);

    private CrdFields() {}

    static List<String> check(Manifests m) {
        List<String> problems = new ArrayList<>();
        for (Doc d : m.docs) {
            Shape shape = BY_KIND.get(d.kind());
            if (shape != null) {
                check(d.root(), shape, d.where() + ": ", "", problems);
            }
        }
        return problems;
    }

    private static void check(
            Object node, Shape shape, String where, String path, List<String> problems) {
        String at = path.isEmpty() ? "(top)" : path;
        if (shape instanceof Scalar scalar) {
            boolean typed =
                    node != null && scalar.types().stream().anyMatch(t -> t.isInstance(node));
            if (!typed || (!scalar.values().isEmpty() && !scalar.values().contains(node))) {
                problems.add(where + at + " must be " + scalar.name() + ", is " + describe(node));
            }
        } else if (shape instanceof Obj obj) {
            if (!(node instanceof Map)) {
                problems.add(where + at + " must be an object, is " + describe(node));
                return;
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
                String key = String.valueOf(e.getKey());
                Shape field = obj.fields().get(key);
                String next = path.isEmpty() ? key : path + "." + key;
                if (field == null) {
                    problems.add(
                            where
                                    + next
                                    + ": unknown field (known: "
                                    + new TreeSet<>(obj.fields().keySet())
                                    + ")");
                } else {
                    check(e.getValue(), field, where, next, problems);
                }
            }
        } else if (shape instanceof MapOf mapOf) {
            if (!(node instanceof Map)) {
                problems.add(where + at + " must be a map, is " + describe(node));
                return;
            }
            for (Map.Entry<?, ?> e : ((Map<?, ?>) node).entrySet()) {
                check(e.getValue(), mapOf.values(), where, path + "." + e.getKey(), problems);
            }
        } else if (shape instanceof ListOf listOf) {
            if (!(node instanceof List)) {
                problems.add(where + at + " must be a list, is " + describe(node));
                return;
            }
            List<?> items = (List<?>) node;
            for (int i = 0; i < items.size(); i++) {
                check(items.get(i), listOf.items(), where, path + "[" + i + "]", problems);
            }
        }
    }

    private static String describe(Object node) {
        return node == null ? "empty" : node.getClass().getSimpleName() + " " + node;
    }
}
