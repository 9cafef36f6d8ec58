package io.bidisync.kubernetes;

import io.bidisync.kubernetes.ManifestChecks.Context;
import io.bidisync.kubernetes.Manifests.Doc;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import javax.xml.parsers.DocumentBuilderFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import static io.bidisync.kubernetes.Manifests.list;
import static io.bidisync.kubernetes.Manifests.map;
import static io.bidisync.kubernetes.Manifests.path;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The manifests in deploy/kubernetes agree with the job (entry class, jar name, configuration
 * loader, Flink's options) and with each other. Each check is also shown to fail on a manifest
 * changed the way a slip of the pen would change it.
 */
class ManifestsTest {
    private static Path dir;
    private static Context context;
    private static Manifests manifests;

    @BeforeAll
    static void load() throws Exception {
        dir = Path.of(property("bidisync.kubernetes.dir", "."));
        Path jar = Path.of(property("bidisync.jar", "../../job/target/bidisync.jar"));
        assertThat(jar)
                .as("the cluster jar: build it first (mvn -pl job -am package)")
                .isRegularFile();
        Path standalone = Path.of(property("bidisync.standalone.conf", "../standalone/conf"));
        Map<String, String> standaloneConf = new LinkedHashMap<>();
        Map<?, ?> yaml =
                new Yaml(new SafeConstructor(new LoaderOptions()))
                        .load(Files.readString(standalone.resolve("config.yaml")));
        yaml.forEach((k, v) -> standaloneConf.put(String.valueOf(k), String.valueOf(v)));
        context =
                new Context(
                        jar,
                        finalName(Path.of(property("bidisync.job.pom", "../../job/pom.xml"))),
                        Files.readString(dir.resolve("Dockerfile")),
                        standaloneConf,
                        FlinkOptions.load());
        manifests = Manifests.load(dir);
    }

    // ---------------------------------------------------------------- the manifests as they are

    @Test
    void theFolderHoldsTheExpectedObjects() {
        assertThat(manifests.docs)
                .extracting(d -> d.file() + " " + d.kind())
                .containsExactlyInAnyOrder(
                        "configmap.yaml ConfigMap",
                        "flink-deployment.yaml FlinkDeployment",
                        "flink-session-job.yaml FlinkSessionJob",
                        "prometheus-podmonitor.yaml PodMonitor",
                        "secret.yaml Secret",
                        "session-cluster.yaml FlinkDeployment");
    }

    @Test
    void apiVersionsAndKinds() {
        assertThat(ManifestChecks.kinds(manifests)).isEmpty();
    }

    @Test
    void fieldNamesAndTypesFollowTheCrdsAndKubernetes() {
        assertThat(CrdFields.check(manifests)).isEmpty();
    }

    @Test
    void entryClassIsInTheJobJarWithAMainMethod() {
        assertThat(manifests.jobs()).hasSize(2);
        assertThat(ManifestChecks.entryClass(manifests, context)).isEmpty();
        assertThat(manifests.jobs())
                .allSatisfy(
                        job ->
                                assertThat(path(job.spec(), "job", "entryClass"))
                                        .isEqualTo(ManifestChecks.ENTRY_CLASS));
    }

    @Test
    void jarNamesAgreeWithDockerfileAndMavenFinalName() {
        assertThat(context.finalName()).isEqualTo("bidisync");
        assertThat(ManifestChecks.dockerfileJarCopies(context.dockerfile()))
                .containsEntry("job/target/bidisync.jar", "/opt/flink/usrlib/bidisync.jar");
        assertThat(ManifestChecks.jarNames(manifests, context)).isEmpty();
    }

    @Test
    void jobsUpgradeWithSavepointsAndRun() {
        assertThat(ManifestChecks.jobSettings(manifests)).isEmpty();
        assertThat(path(application().spec(), "job", "parallelism")).isEqualTo(2);
    }

    @Test
    void syncConfigurationIsMountedLoadsAndGetsItsSecretsOnJobManagerAndTaskManagers() {
        assertThat(ManifestChecks.syncConfiguration(manifests)).isEmpty();
    }

    @Test
    void secretIsATemplate() {
        assertThat(ManifestChecks.secretTemplate(manifests)).isEmpty();
    }

    @Test
    void flinkConfigurationKeysAreFlinkOptions() {
        assertThat(ManifestChecks.flinkKeys(manifests, context)).isEmpty();
    }

    @Test
    void requiredSettingsAndThePrometheusReporter() {
        assertThat(ManifestChecks.requiredSettings(manifests, context)).isEmpty();
    }

    @Test
    void sessionClusterHasTheApplicationsSettings() {
        assertThat(ManifestChecks.sameSettings(manifests, context)).isEmpty();
    }

    @Test
    void settingsSharedWithTheStandaloneClusterHaveItsValues() {
        assertThat(ManifestChecks.standaloneSettings(manifests, context)).isEmpty();
    }

    @Test
    void logsMaskPasswords() {
        assertThat(ManifestChecks.logging(manifests)).isEmpty();
    }

    @Test
    void sessionJobNamesTheSessionCluster() {
        assertThat(ManifestChecks.sessionJobs(manifests)).isEmpty();
        assertThat(path(sessionJob().spec(), "deploymentName"))
                .isEqualTo(manifests.get("FlinkDeployment", "bidisync-session").name());
    }

    @Test
    void podMonitorScrapesEveryFlinkPod() {
        assertThat(ManifestChecks.podMonitor(manifests)).isEmpty();
    }

    @Test
    void allChecksTogether() {
        assertThat(ManifestChecks.all(manifests, context)).isEmpty();
    }

    @Test
    void deprecatedKeysCountAsTheirOption() {
        // The manifests use state.checkpoints.dir / state.savepoints.dir, which every operator
        // 1.x reads; Flink 1.20 knows them as deprecated keys of these options.
        FlinkOptions options = context.options();
        assertThat(options.normalize("state.checkpoints.dir"))
                .isEqualTo("execution.checkpointing.dir");
        assertThat(options.normalize("state.savepoints.dir"))
                .isEqualTo("execution.checkpointing.savepoint-dir");
        assertThat(options.normalize("state.backend.incremental"))
                .isEqualTo("execution.checkpointing.incremental");
        assertThat(options.problem("high-availability.type")).isNull();
        assertThat(options.problem("metrics.reporter.prom.port")).isNull();
    }

    @Test
    void grafanaDashboardIsValidJson() throws Exception {
        Path dashboard =
                Path.of(
                        property(
                                "bidisync.grafana.dashboard",
                                "../grafana/bidisync-dashboard.json"));
        assumeTrue(Files.exists(dashboard), "no Grafana dashboard at " + dashboard);
        JsonNode json =
                new ObjectMapper()
                        .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                        .readTree(Files.readString(dashboard));
        assertThat(json.isObject()).as(dashboard + " is a JSON object").isTrue();
    }

    // ---------------------------------------------------------------- each check can fail

    @Test
    void aWrongEntryClassFails() {
        Manifests m = changed(d -> job(d).put("entryClass", "io.bidisync.job.submit.ClusterEntyr"));
        assertThat(ManifestChecks.entryClass(m, context))
                .hasSize(2)
                .allMatch(
                        p ->
                                p.contains(
                                        "io.bidisync.job.submit.ClusterEntyr is not in bidisync.jar"));

        Manifests noMain =
                changed(d -> job(d).put("entryClass", "io.bidisync.job.config.ConfigLoader"));
        assertThat(ManifestChecks.entryClass(noMain, context))
                .anyMatch(p -> p.contains("has no public static void main(String[])"));
    }

    @Test
    void aWrongJarNameFails() {
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> job(d).put("jarURI", "local:///opt/flink/usrlib/bidisync-job.jar"));
        assertThat(ManifestChecks.jarNames(m, context))
                .anyMatch(p -> p.contains("is not local:// + a jar the Dockerfile copies"))
                .anyMatch(p -> p.contains("does not name bidisync.jar"));

        Manifests local =
                changedOne(
                        "FlinkSessionJob",
                        "bidisync-customers-job",
                        d -> job(d).put("jarURI", "local:///opt/flink/usrlib/bidisync.jar"));
        assertThat(ManifestChecks.jarNames(local, context))
                .anyMatch(p -> p.contains("local:// is not supported"));

        Context otherJar =
                withDockerfile(
                        context.dockerfile()
                                .replace("job/target/bidisync.jar", "job/target/bidisync-job.jar"));
        assertThat(ManifestChecks.jarNames(manifests, otherJar))
                .anyMatch(p -> p.contains("not the Maven finalName bidisync.jar"));
    }

    @Test
    void aConfigArgumentThatIsNotMountedFails() {
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> job(d).put("args", List.of("--config", "/opt/bidisync/orders.yaml")));
        assertThat(ManifestChecks.syncConfiguration(m))
                .anyMatch(p -> p.contains("has no key for orders.yaml"));

        Manifests elsewhere =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> job(d).put("args", List.of("--config", "/etc/customers.yaml")));
        assertThat(ManifestChecks.syncConfiguration(elsewhere))
                .anyMatch(p -> p.contains("nothing is mounted at /etc"));
    }

    @Test
    void secretsOnlyOnTheJobManagerFail() {
        // The writers on the TaskManagers open connections too: both roles need the passwords.
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> {
                            Object template = d.spec().remove("podTemplate");
                            map(d.spec().get("jobManager")).put("podTemplate", template);
                        });
        assertThat(ManifestChecks.syncConfiguration(m))
                .anyMatch(p -> p.contains("(taskManager of") && p.contains("nothing is mounted"))
                .anyMatch(p -> p.contains("CRM_PASSWORD") && p.contains("to the taskManager pods"))
                .noneMatch(p -> p.contains("to the jobManager pods"));
    }

    @Test
    void aPasswordVariableTheSecretLacksFails() {
        Manifests renamed =
                changedOne(
                        "ConfigMap",
                        "bidisync-customers-config",
                        d -> {
                            Map<String, Object> data = map(d.root().get("data"));
                            data.put(
                                    "customers.yaml",
                                    ((String) data.get("customers.yaml"))
                                            .replace("${ERP_PASSWORD}", "${ERP_DB_PASSWORD}"));
                        });
        assertThat(ManifestChecks.syncConfiguration(renamed))
                .anyMatch(p -> p.contains("[ERP_DB_PASSWORD], which no Secret provides"));

        Manifests dropped =
                changedOne(
                        "Secret",
                        "bidisync-customers-secrets",
                        d -> map(d.root().get("stringData")).remove("ERP_PASSWORD"));
        assertThat(ManifestChecks.syncConfiguration(dropped))
                .anyMatch(p -> p.contains("[ERP_PASSWORD], which no Secret provides"));
    }

    @Test
    void aConfigurationTheJobRejectsFails() {
        Manifests m =
                changedOne(
                        "ConfigMap",
                        "bidisync-customers-config",
                        d -> {
                            Map<String, Object> data = map(d.root().get("data"));
                            data.put(
                                    "customers.yaml",
                                    ((String) data.get("customers.yaml"))
                                            .replace("default: most-recent", "default: newest"));
                        });
        assertThat(ManifestChecks.syncConfiguration(m))
                .anyMatch(p -> p.contains("is rejected") && p.contains("survivorship.default"));
    }

    @Test
    void aRealLookingSecretFails() {
        Manifests m =
                changedOne(
                        "Secret",
                        "bidisync-customers-secrets",
                        d -> map(d.root().get("stringData")).put("CRM_PASSWORD", "hunter2"));
        assertThat(ManifestChecks.secretTemplate(m))
                .containsExactly(
                        "secret.yaml Secret/bidisync-customers-secrets: CRM_PASSWORD is not a CHANGE-ME placeholder");
    }

    @Test
    void anUnknownFlinkKeyFails() {
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> {
                            conf(d).put("execution.checkpointing.intervall", "10s");
                            conf(d).put("metrics.reporter.prom.prot", "9249");
                        });
        assertThat(ManifestChecks.flinkKeys(m, context))
                .containsExactlyInAnyOrder(
                        "flink-deployment.yaml FlinkDeployment/bidisync-customers: flinkConfiguration"
                                + " execution.checkpointing.intervall: not a Flink 1.20 configuration key",
                        "flink-deployment.yaml FlinkDeployment/bidisync-customers: flinkConfiguration"
                                + " metrics.reporter.prom.prot: unknown reporter setting 'prot'");
    }

    @Test
    void missingOrWrongSettingsFail() {
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> {
                            conf(d).remove("high-availability.type");
                            conf(d).put("state.backend.type", "hashmap");
                            conf(d).put("state.checkpoints.dir", "file:///tmp/checkpoints");
                            conf(d).put(
                                            "metrics.reporter.prom.factory.class",
                                            "org.apache.flink.metrics.prometheus.PrometheusReporter");
                            conf(d).put("metrics.reporter.prom.port", "9250");
                        });
        assertThat(ManifestChecks.requiredSettings(m, context))
                .anyMatch(p -> p.contains("high-availability.type must be kubernetes"))
                .anyMatch(p -> p.contains("state.backend.type must be rocksdb, is hashmap"))
                .anyMatch(p -> p.contains("is not durable storage"))
                .anyMatch(
                        p -> p.contains("factory.class must be " + FlinkOptions.PROMETHEUS_FACTORY))
                .anyMatch(p -> p.contains("no port 'metrics' = metrics.reporter.prom.port 9250"));
    }

    @Test
    void anUnquotedValueOrMisspeltFieldFails() {
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> {
                            conf(d).put("pipeline.generic-types", false);
                            job(d).put("entryclass", job(d).remove("entryClass"));
                            d.spec().put("flinkVersion", "v1_19");
                        });
        assertThat(CrdFields.check(m))
                .anyMatch(
                        p ->
                                p.contains(
                                        "pipeline.generic-types must be a string, is Boolean false"))
                .anyMatch(p -> p.contains("spec.job.entryclass: unknown field"))
                .anyMatch(p -> p.contains("spec.flinkVersion must be one of [v1_20]"));
    }

    @Test
    void anUpgradeModeOtherThanSavepointFails() {
        Manifests m = changed(d -> job(d).put("upgradeMode", "last-state"));
        assertThat(ManifestChecks.jobSettings(m))
                .hasSize(2)
                .allMatch(p -> p.endsWith("job.upgradeMode must be savepoint"));
    }

    @Test
    void aSessionClusterWithOtherSettingsFails() {
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-session",
                        d -> {
                            conf(d).put("execution.checkpointing.interval", "1min");
                            conf(d).remove("state.savepoints.dir");
                        });
        assertThat(ManifestChecks.sameSettings(m, context))
                .anyMatch(p -> p.contains("execution.checkpointing.interval is 1min but 10s"))
                .anyMatch(p -> p.contains("execution.checkpointing.savepoint-dir is null"));
    }

    @Test
    void aSettingThatDiffersFromTheStandaloneClusterFails() {
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> conf(d).put("restart-strategy.exponential-delay.max-backoff", "5min"));
        assertThat(ManifestChecks.standaloneSettings(m, context))
                .containsExactly(
                        "flink-deployment.yaml FlinkDeployment/bidisync-customers:"
                                + " restart-strategy.exponential-delay.max-backoff is 5min,"
                                + " deploy/standalone/conf/config.yaml has 30s");
    }

    @Test
    void anUnmaskedLogLayoutFails() {
        Manifests m =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> {
                            Map<String, Object> logs = map(d.spec().get("logConfiguration"));
                            String log4j = (String) logs.get("log4j-console.properties");
                            logs.put(
                                    "log4j-console.properties",
                                    log4j.replace(
                                            "appender.console.layout.pattern = %d{yyyy-MM-dd HH:mm:ss,SSS}",
                                            "appender.console.layout.pattern = %m %d{yyyy-MM-dd HH:mm:ss,SSS}"));
                        });
        assertThat(ManifestChecks.logging(m))
                .isNotEmpty()
                .allMatch(
                        p -> p.contains("appender.console.layout.pattern does not mask passwords"));

        // The slip the properties format invites: a single backslash, read as an escape of 's'.
        Manifests singleBackslash =
                changedOne(
                        "FlinkDeployment",
                        "bidisync-customers",
                        d -> {
                            Map<String, Object> logs = map(d.spec().get("logConfiguration"));
                            String log4j = (String) logs.get("log4j-console.properties");
                            logs.put("log4j-console.properties", log4j.replace("\\\\s", "\\s"));
                        });
        assertThat(ManifestChecks.logging(singleBackslash))
                .anyMatch(p -> p.contains("database.password=****s3cret"));
    }

    @Test
    void aSessionJobForAnUnknownClusterFails() {
        Manifests m =
                changedOne(
                        "FlinkSessionJob",
                        "bidisync-customers-job",
                        d -> d.spec().put("deploymentName", "bidisync-customers"));
        assertThat(ManifestChecks.sessionJobs(m))
                .singleElement()
                .asString()
                .contains("is an application cluster, not a session cluster");

        Manifests missing =
                changedOne(
                        "FlinkSessionJob",
                        "bidisync-customers-job",
                        d -> d.spec().put("deploymentName", "flink-session"));
        assertThat(ManifestChecks.sessionJobs(missing))
                .singleElement()
                .asString()
                .contains("deploymentName flink-session is no FlinkDeployment here");
    }

    @Test
    void anUnexpectedApiVersionOrKindFails() {
        Manifests m =
                changedOne(
                        "FlinkSessionJob",
                        "bidisync-customers-job",
                        d -> d.root().put("apiVersion", "flink.apache.org/v1beta2"));
        assertThat(ManifestChecks.kinds(m))
                .singleElement()
                .asString()
                .contains("apiVersion flink.apache.org/v1beta2 kind FlinkSessionJob is not one of");
    }

    @Test
    void aPodMonitorThatSelectsNoFlinkPodFails() {
        Manifests m =
                changedOne(
                        "PodMonitor",
                        "bidisync",
                        d -> {
                            map(path(d.spec(), "selector", "matchLabels")).put("app", "flink");
                            map(list(d.spec().get("podMetricsEndpoints")).get(0))
                                    .put("port", "prom");
                        });
        assertThat(ManifestChecks.podMonitor(m))
                .anyMatch(p -> p.contains("selects app=flink"))
                .anyMatch(p -> p.contains("port prom is not a port"));
    }

    // ---------------------------------------------------------------- helpers

    private static Doc application() {
        return manifests.get("FlinkDeployment", "bidisync-customers");
    }

    private static Doc sessionJob() {
        return manifests.get("FlinkSessionJob", "bidisync-customers-job");
    }

    /** A copy with every job changed. */
    private static Manifests changed(Consumer<Doc> change) {
        Manifests copy = manifests.copy();
        copy.jobs().forEach(change);
        return copy;
    }

    /** A copy with one object changed. */
    private static Manifests changedOne(String kind, String name, Consumer<Doc> change) {
        Manifests copy = manifests.copy();
        change.accept(copy.get(kind, name));
        return copy;
    }

    private static Map<String, Object> job(Doc d) {
        return map(d.spec().get("job"));
    }

    private static Map<String, Object> conf(Doc d) {
        return map(d.spec().get("flinkConfiguration"));
    }

    private static Context withDockerfile(String dockerfile) {
        return new Context(
                context.jobJar(),
                context.finalName(),
                dockerfile,
                context.standaloneConf(),
                context.options());
    }

    private static String property(String name, String fallback) {
        return System.getProperty(name, fallback);
    }

    private static String finalName(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        Document doc = factory.newDocumentBuilder().parse(pom.toFile());
        var names = doc.getElementsByTagName("finalName");
        assertThat(names.getLength()).as("finalName in " + pom).isEqualTo(1);
        return names.item(0).getTextContent().trim();
    }
}
