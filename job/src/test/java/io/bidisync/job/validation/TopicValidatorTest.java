package io.bidisync.job.validation;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestKafka;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Against a real broker: what {@code validate} says about the topics of a configuration. */
class TopicValidatorTest {

    private static SyncConfig config(String servers, String changes, String golden) {
        String yaml =
                TestConfigs.crmErpYaml(
                                "jdbc:postgresql://localhost:1/crm",
                                "jdbc:postgresql://localhost:1/erp",
                                """
                                golden-output: { bootstrap-servers: "%s", topic: %s }
                                dead-letters: { bootstrap-servers: "%s", topic: %s.dead }
                                audit: true
                                """
                                        .formatted(servers, golden, servers, golden))
                        .replace(
                                "    table: public.client\n",
                                """
                                    table: public.client
                                    source:
                                      kind: kafka-debezium
                                      bootstrap-servers: "%s"
                                      topic: %s
                                      heartbeat-topic: %s.heartbeats
                                """
                                        .formatted(servers, changes, changes));
        return TestConfigs.parse(yaml);
    }

    @Test
    void wellSetUpTopicsPass() throws Exception {
        TestKafka.createTopic("v1.changes", false);
        TestKafka.createTopic("v1.changes.heartbeats", false);
        TestKafka.createTopic("v1.golden", true);
        TestKafka.createTopic("v1.golden.dead", false);
        TestKafka.createTopic("v1.golden.audit", false);

        TopicValidator.Report report =
                TopicValidator.check(
                        config(TestKafka.bootstrapServers(), "v1.changes", "v1.golden"));

        assertThat(report.problems()).isEmpty();
        assertThat(report.warnings()).isEmpty();
    }

    @Test
    void missingOrMisshapenTopicsAreReportedByKey() throws Exception {
        TestKafka.createTopic("v2.changes", 3, false);
        TestKafka.createTopic("v2.golden", false);

        TopicValidator.Report report =
                TopicValidator.check(
                        config(TestKafka.bootstrapServers(), "v2.changes", "v2.golden"));

        assertThat(report.problems()).isEmpty();
        assertThat(report.warnings())
                .satisfiesExactlyInAnyOrder(
                        w ->
                                assertThat(w)
                                        .startsWith(
                                                "systems.erp.source.topic: v2.changes has 3 partitions"),
                        w ->
                                assertThat(w)
                                        .startsWith(
                                                "systems.erp.source.heartbeat-topic: v2.changes.heartbeats does not exist yet"),
                        w ->
                                assertThat(w)
                                        .startsWith(
                                                "golden-output.topic: v2.golden is not compacted"),
                        w ->
                                assertThat(w)
                                        .startsWith(
                                                "dead-letters.topic: v2.golden.dead does not exist"),
                        w ->
                                assertThat(w)
                                        .startsWith("audit.topic: v2.golden.audit does not exist"));

        assertThat(
                        TopicValidator.check(
                                        config(
                                                TestKafka.bootstrapServers(),
                                                "v2.nothing",
                                                "v2.golden"))
                                .problems())
                .containsExactly(
                        "systems.erp.source.topic: topic v2.nothing does not exist on "
                                + TestKafka.bootstrapServers()
                                + " (is the Debezium connector running?)");
    }

    @Test
    void anUnreachableClusterIsAProblem() {
        TopicValidator.Report report = TopicValidator.check(config("localhost:1", "x", "y"));
        assertThat(report.problems())
                .hasSize(4)
                .allMatch(p -> p.contains("Kafka does not answer within 10 s"));
        assertThat(report.problems().get(3)).startsWith("audit.bootstrap-servers: ");
        assertThat(report.problems().get(0)).startsWith("systems.erp.source.bootstrap-servers: ");
    }
}
