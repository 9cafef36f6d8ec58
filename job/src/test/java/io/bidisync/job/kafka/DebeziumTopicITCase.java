package io.bidisync.job.kafka;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.plan.Plan;
import io.bidisync.job.plan.Planner;
import io.bidisync.job.soak.SoakWorkload;
import io.bidisync.job.soak.SoakWorkload.Op;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.Canary;
import io.bidisync.job.testutil.DebeziumFeed;
import io.bidisync.job.testutil.GoldenTopic;
import io.bidisync.job.testutil.InvariantChecker;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestKafka;
import io.bidisync.job.testutil.TestServers;
import io.bidisync.udfs.normalize.Normalizer;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import static io.bidisync.job.testutil.SyncedSystem.billing;
import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A mixed pipeline against a real Kafka broker: CRM and Billing are read by CDC, ERP's changes come
 * from a Debezium connector through Kafka (its writes still go over JDBC); golden records and dead
 * letters go to Kafka topics.
 */
class DebeziumTopicITCase extends MiniClusterITCase {
    private static final AtomicInteger TOPICS = new AtomicInteger();
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The topics of one run. */
    private record Topics(String prefix, String changes, String golden, String deadLetters) {
        static Topics create() throws Exception {
            String prefix = "erp" + TOPICS.incrementAndGet();
            Topics t =
                    new Topics(
                            prefix,
                            prefix + ".changes",
                            prefix + ".golden",
                            prefix + ".dead-letters");
            TestKafka.createTopic(t.changes, false);
            TestKafka.createTopic(DebeziumFeed.heartbeatTopic(prefix), false);
            TestKafka.createTopic(t.golden, true);
            TestKafka.createTopic(t.deadLetters, false);
            return t;
        }

        SyncedSystem erp() {
            return SyncedSystem.erp()
                    .withSource(
                            """
                                source:
                                  kind: kafka-debezium
                                  bootstrap-servers: "%s"
                                  topic: %s
                                  heartbeat-topic: %s
                                  caught-up-after: 2s
                            """
                                    .formatted(
                                            TestKafka.bootstrapServers(),
                                            changes,
                                            DebeziumFeed.heartbeatTopic(prefix)));
        }

        String outputs() {
            return """
                    golden-output:
                      bootstrap-servers: "%s"
                      topic: %s
                    dead-letters:
                      bootstrap-servers: "%s"
                      topic: %s
                    """
                    .formatted(
                            TestKafka.bootstrapServers(),
                            golden,
                            TestKafka.bootstrapServers(),
                            deadLetters);
        }
    }

    /** Starts Debezium on ERP's database, as docs/databases.md tells a user to set it up. */
    private static DebeziumFeed feed(SyncRun run, Topics topics) throws Exception {
        return feed(run, topics, JobTables.captured(run.config(), run.config().system("erp")));
    }

    private static DebeziumFeed feed(SyncRun run, Topics topics, List<String> tables)
            throws Exception {
        // The job's tables must exist before Debezium's publication can name them.
        JobTables.ensure(run.config());
        return DebeziumFeed.start(
                topics.prefix(), TestServers.of("erp"), run.database(), tables, topics.changes());
    }

    @Test
    void debeziumsHeartbeatTopicMovesAnIdleSystemsWatermark() throws Exception {
        Topics topics = Topics.create();
        try (SyncRun run =
                        SyncRun.of(crm(), topics.erp())
                                .seed(
                                        "erp",
                                        "INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo')")
                                .create();
                // Without the job's heartbeat table: only Debezium's heartbeats say ERP is idle.
                DebeziumFeed feed =
                        feed(
                                run,
                                topics,
                                List.of(
                                        "public.client",
                                        "public." + run.config().writer().writesTable()))) {
            run.start();
            // Debezium's PostgreSQL connector sends heartbeats only once it has streamed a change.
            run.execute("erp", "UPDATE client SET row_version = row_version + 1");
            Await.until(
                    "Ann in CRM",
                    CONVERGENCE,
                    () -> run.rows("crm").size() == 1,
                    () ->
                            state(run)
                                    + " heartbeats in Kafka: "
                                    + TestKafka.readCommitted(
                                                    DebeziumFeed.heartbeatTopic(topics.prefix()))
                                            .size());
            // ERP stays idle from here: a CRM change waits for ERP's watermark, which only its
            // heartbeats can move.
            run.execute(
                    "crm",
                    "INSERT INTO customer (email, full_name, city) VALUES ('bob@example.com', 'Bob', 'Rome')");
            Await.until(
                    "Bob in ERP", CONVERGENCE, () -> run.rows("erp").size() == 2, () -> state(run));
            assertThat(run.metric(metrics, "system.erp.watermarkLagMs")).isBetween(0L, 30_000L);
        }
    }

    @Test
    void planReadsTheChangeTopicToItsEndAndTheJobThenDoesWhatItSaid() throws Exception {
        Topics topics = Topics.create();
        try (SyncRun run =
                        SyncRun.of(crm(), topics.erp())
                                .seed(
                                        "crm",
                                        "INSERT INTO customer (email, full_name, city) VALUES ('ann@example.com', 'Ann', 'Oslo')")
                                .seed(
                                        "erp",
                                        "INSERT INTO client (mail, name, town) VALUES ('bob@example.com', 'Bob', 'Rome'),"
                                                + " ('ann@example.com ', 'Ann', NULL)")
                                .create();
                DebeziumFeed feed = feed(run, topics)) {
            Await.until(
                    "ERP's snapshot in Kafka",
                    CONVERGENCE,
                    () -> TestKafka.readCommitted(topics.changes()).size() >= 2);
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.configure(SyncRun.jobSettings());
            Plan plan = Planner.plan(run.config(), env, metrics, (read, total) -> {});

            assertThat(plan.writes())
                    .extracting(w -> w.operation() + " " + w.system() + " " + w.goldenKey())
                    .containsExactlyInAnyOrder(
                            "INSERT crm bob@example.com", "UPDATE erp ann@example.com");
            // The plan committed no offsets: the job reads ERP's topic from its beginning.
            run.start();
            Await.until(
                    "Bob in CRM and Oslo in ERP",
                    CONVERGENCE,
                    () ->
                            run.rows("crm").size() == 2
                                    && run.rows("erp").stream()
                                            .anyMatch(r -> "Oslo".equals(r.city())),
                    () -> state(run));
        }
    }

    @Test
    void mixedPipelineKeepsEveryPromiseAndPublishesOneGoldenRecordPerEntity() throws Exception {
        Topics topics = Topics.create();
        SyncRun.Builder builder =
                SyncRun.of(crm(), topics.erp(), billing()).extra(topics.outputs());
        SoakWorkload.seedRows().forEach(builder::seed);
        Map<String, SyncedSystem> systems = new LinkedHashMap<>();
        for (SyncedSystem s : List.of(crm(), erp(), billing())) {
            systems.put(s.name(), s);
        }
        List<Op> ops = SoakWorkload.generate(systems, 20261127L, 25_000, 15);
        try (SyncRun run = builder.create();
                DebeziumFeed feed = feed(run, topics)) {
            run.start();
            awaitFirstGoldenRecords(run);
            SoakWorkload.play(run, ops);
            settle(run);
            InvariantChecker.Report report = InvariantChecker.check(run);
            System.out.println("Mixed pipeline (ERP through Kafka):\n" + report);
            report.assertClean();

            // The golden topic, compacted: exactly one value per live entity, equal to what the
            // systems hold, linking exactly their rows; no value published twice.
            GoldenTopic.awaitMatches(run, topics.golden(), CONVERGENCE);
            assertThat(GoldenTopic.repeated(topics.golden())).isEmpty();
            Map<String, JsonNode> golden = GoldenTopic.compacted(topics.golden());
            for (Row row : run.rows("crm")) {
                String key = Normalizer.EMAIL.normalize(row.email());
                if (key == null || key.isEmpty() || Canary.isCanary(key)) {
                    continue;
                }
                JsonNode attributes = golden.get(key).get("attributes");
                assertThat(attributes.get("name").asText()).as(key).isEqualTo(row.name());
                assertThat(attributes.get("city").asText()).as(key).isEqualTo(row.city());
            }
            assertThat(TestKafka.readCommitted(topics.deadLetters())).isEmpty();
        }
    }

    @Test
    void malformedMessagesAreDeadLetteredAndTheJobKeepsRunning() throws Exception {
        Topics topics = Topics.create();
        try (SyncRun run =
                        SyncRun.of(crm(), topics.erp())
                                .extra(topics.outputs())
                                .seed(
                                        "erp",
                                        "INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo')")
                                .create();
                DebeziumFeed feed = feed(run, topics)) {
            run.start();
            Await.until(
                    "Ann in CRM", CONVERGENCE, () -> run.rows("crm").size() == 1, () -> state(run));

            TestKafka.send(topics.changes(), null, "{not json");
            TestKafka.send(
                    topics.changes(),
                    null,
                    "{\"op\":\"c\",\"source\":{\"schema\":\"public\",\"table\":\"client\",\"ts_ms\":1}}");
            TestKafka.send(
                    topics.changes(),
                    null,
                    "{\"op\":\"c\",\"after\":{\"id\":1},\"source\":{\"schema\":\"public\",\"table\":\"invoice\",\"ts_ms\":1}}");
            run.execute("erp", "UPDATE client SET town = 'Bergen', row_version = row_version + 1");

            Await.until(
                    "ERP's change in CRM",
                    CONVERGENCE,
                    () -> "Bergen".equals(run.rows("crm").get(0).city()),
                    () -> state(run));
            List<ConsumerRecord<String, String>> deadLetters =
                    TestKafka.readCommitted(topics.deadLetters());
            List<String> reasons = new ArrayList<>();
            for (ConsumerRecord<String, String> record : deadLetters) {
                assertThat(record.key()).isEqualTo("erp");
                reasons.add(JSON.readTree(record.value()).get("reason").asText());
            }
            assertThat(reasons)
                    .hasSize(3)
                    .anyMatch(r -> r.startsWith("not valid JSON"))
                    .anyMatch(r -> r.contains("no 'after' row image"))
                    .anyMatch(r -> r.contains("unknown table public.invoice"));
            Await.until(
                    "three dead letters counted",
                    CONVERGENCE,
                    () -> run.metric(metrics, "system.erp.deadLetters") == 3,
                    () -> "deadLetters = " + run.metric(metrics, "system.erp.deadLetters"));
        }
    }
}
