package io.bidisync.job.kafka;

import io.bidisync.embedded.CustomerTables;
import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.SyncJob;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.Canary;
import io.bidisync.job.testutil.DebeziumFeed;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestKafka;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A MariaDB system end to end: its changes read by Debezium's MySQL connector into Kafka, its
 * writes in MySQL syntax over JDBC; CRM on PostgreSQL by CDC.
 */
class MariaDbThroughKafkaITCase extends MiniClusterITCase {
    private static final String DATABASE = "erp_e2e";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMariaDbSystemBehindDebeziumSyncsBothWaysWithoutDuplicatesOrLoops() throws Exception {
        LocalMariaDb maria = LocalMariaDb.shared();
        maria.recreateDatabase(DATABASE);
        maria.execute(
                DATABASE,
                LocalMariaDb.ERP_CLIENT
                        + "; INSERT INTO client (mail, name, town) VALUES ('ann@example.com', 'Ann', 'Oslo')");
        LocalPostgres pg = TestServers.of("crm");
        pg.createDatabase(DATABASE);
        pg.execute(
                DATABASE,
                SyncedSystem.crm().ddl()
                        + "; INSERT INTO customer (email, full_name, city) VALUES ('bob@example.com', 'Bob', 'Rome')");
        String topic = "maria.changes";
        TestKafka.createTopic(topic, false);

        String yaml =
                TestConfigs.crmErpYaml(pg.jdbcUrl(DATABASE), maria.jdbcUrl(DATABASE), "")
                        .replace("name: demo", "name: maria")
                        .replace(
                                "  erp:\n    connection: { url: \""
                                        + maria.jdbcUrl(DATABASE)
                                        + "\", username: postgres }",
                                "  erp:\n    connection: { url: \""
                                        + maria.jdbcUrl(DATABASE)
                                        + "\", username: "
                                        + LocalMariaDb.USER
                                        + " }")
                        .replace(
                                "    table: public.client\n",
                                """
                                    table: %s.client
                                    source:
                                      kind: kafka-debezium
                                      bootstrap-servers: "%s"
                                      topic: %s
                                """
                                        .formatted(DATABASE, TestKafka.bootstrapServers(), topic));
        SyncConfig config = TestConfigs.parse(yaml);
        JobTables.ensure(config);

        try (DebeziumFeed feed =
                DebeziumFeed.startMySql(
                        "maria",
                        maria,
                        DATABASE,
                        JobTables.captured(config, config.system("erp")),
                        topic)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.configure(SyncRun.jobSettings());
            SyncJob.ofDatabases(config).build(env);
            JobClient job = env.executeAsync("maria");
            try {
                Await.until(
                        "Ann in CRM and Bob in ERP",
                        CONVERGENCE,
                        () -> crm(pg).size() == 2 && erp(maria).size() == 2,
                        () -> crm(pg) + " / " + erp(maria));

                maria.execute(
                        DATABASE,
                        "UPDATE client SET town = 'Bergen', row_version = row_version + 1 WHERE mail = 'ann@example.com'");
                pg.execute(
                        DATABASE,
                        "UPDATE customer SET phone = '+47 555', version = version + 1 WHERE email = 'bob@example.com'");
                Await.until(
                        "both changes everywhere",
                        CONVERGENCE,
                        () ->
                                crm(pg).stream().anyMatch(r -> "Bergen".equals(r.city()))
                                        && erp(maria).stream()
                                                .anyMatch(r -> "+47 555".equals(r.phone())),
                        () -> crm(pg) + " / " + erp(maria));

                // The echoes of the job's own writes start nothing (versions stand still): once
                // canaries in both directions have arrived, the job has processed the echoes and
                // written whatever they caused.
                List<Row> settled = erp(maria);
                List<Row> settledCrm = crm(pg);
                Canary.send(
                        "erp",
                        emails ->
                                maria.execute(
                                        DATABASE, Canary.insert("client", "mail", "name", emails)),
                        Map.of("crm", () -> crm(pg)),
                        CONVERGENCE);
                Canary.send(
                        "crm",
                        emails ->
                                pg.execute(
                                        DATABASE,
                                        Canary.insert("customer", "email", "full_name", emails)),
                        Map.of("erp", () -> erp(maria)),
                        CONVERGENCE);
                assertThat(Canary.without(erp(maria))).isEqualTo(settled);
                assertThat(Canary.without(crm(pg))).isEqualTo(settledCrm);
                assertThat(settled)
                        .extracting(Row::email)
                        .containsExactlyInAnyOrder("ann@example.com", "bob@example.com");
                assertThat(settledCrm)
                        .extracting(Row::email)
                        .containsExactlyInAnyOrder("ann@example.com", "bob@example.com");
                assertThat(metrics.total(job.getJobID(), "system.erp.deadLetters")).isZero();

                // The job tells its own writes by transaction: the connector's transaction id
                // ties its writes-table row to the rows it wrote.
                List<String> jobTransactions = new ArrayList<>();
                List<String> rowTransactions = new ArrayList<>();
                for (var record : TestKafka.readCommitted(topic)) {
                    JsonNode change = JSON.readTree(record.value()).path("payload");
                    String table = change.path("source").path("table").asText();
                    String transaction = change.path("transaction").path("id").asText(null);
                    if (table.equals("bidisync_writes")) {
                        jobTransactions.add(transaction);
                    } else if (table.equals("client")) {
                        rowTransactions.add(transaction);
                    }
                }
                assertThat(jobTransactions).isNotEmpty().doesNotContainNull();
                assertThat(rowTransactions).containsAll(jobTransactions);
            } finally {
                job.cancel().get();
            }
        }
    }

    private static List<Row> crm(LocalPostgres pg) throws Exception {
        try (Connection c = pg.connect(DATABASE)) {
            return CustomerTables.crmRows(c);
        }
    }

    private static List<Row> erp(LocalMariaDb maria) throws Exception {
        try (Connection c = maria.connect(DATABASE)) {
            return CustomerTables.rows(
                    c,
                    "SELECT client_no, mail, name, phone, town, row_version FROM client"
                            + " ORDER BY client_no");
        }
    }
}
