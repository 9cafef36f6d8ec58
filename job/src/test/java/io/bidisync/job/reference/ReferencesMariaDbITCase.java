package io.bidisync.job.reference;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.SyncJob;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.testutil.Await;
import io.bidisync.job.testutil.CompaniesAndContacts;
import io.bidisync.job.testutil.DebeziumFeed;
import io.bidisync.job.testutil.LocalMariaDb;
import io.bidisync.job.testutil.MiniClusterITCase;
import io.bidisync.job.testutil.ReferenceInvariants;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.job.testutil.TestKafka;
import io.bidisync.job.testutil.TestServers;
import io.bidisync.job.validation.TableTypes;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import org.junit.jupiter.api.Test;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Companies and contacts between PostgreSQL (CRM, by CDC) and MariaDB (ERP, through Debezium and
 * Kafka: every table of the system routed into one change topic), with foreign keys enforced on
 * both sides and ERP's keys numbered differently: each contact points at its own system's row of
 * the same company.
 */
class ReferencesMariaDbITCase extends MiniClusterITCase {
    private static final String DATABASE = "refs_maria";

    @Test
    void contactsPointAtTheSameCompanyInPostgresAndMariaDb() throws Exception {
        LocalMariaDb maria = LocalMariaDb.shared();
        maria.recreateDatabase(DATABASE);
        maria.execute(
                DATABASE,
                "CREATE TABLE firma (firmanr int AUTO_INCREMENT PRIMARY KEY, orgnr varchar(20),"
                        + " navn varchar(100), versjon int NOT NULL DEFAULT 1) ENGINE=InnoDB"
                        + " AUTO_INCREMENT=100;"
                        + " CREATE TABLE person (pnr int AUTO_INCREMENT PRIMARY KEY,"
                        + " epost varchar(100), navn varchar(100), firma int,"
                        + " versjon int NOT NULL DEFAULT 1,"
                        + " FOREIGN KEY (firma) REFERENCES firma (firmanr)) ENGINE=InnoDB"
                        + " AUTO_INCREMENT=500;"
                        + " INSERT INTO firma (orgnr, navn) VALUES ('333', 'Gamma'), ('111', 'Acme');"
                        + " INSERT INTO person (epost, navn, firma) VALUES"
                        + " ('cid@gamma', 'Cid', 100), ('ann@acme', 'Ann', 101)");
        LocalPostgres pg = TestServers.of("crm");
        pg.createDatabase(DATABASE);
        pg.execute(
                DATABASE,
                "CREATE TABLE company (id serial PRIMARY KEY, org_no text, name text,"
                        + " version integer NOT NULL DEFAULT 1);"
                        + " CREATE TABLE contact (id serial PRIMARY KEY, email text, full_name text,"
                        + " company_id integer REFERENCES company (id),"
                        + " version integer NOT NULL DEFAULT 1);"
                        + " INSERT INTO company (org_no, name) VALUES ('111', 'Acme'), ('222', 'Beta');"
                        + " INSERT INTO contact (email, full_name, company_id) VALUES"
                        + " ('ann@acme', 'Ann', 1), ('bob@beta', 'Bob', 2)");
        String topic = "maria.refs.changes";
        TestKafka.createTopic(topic, false);
        String yaml =
                """
                name: refsmaria
                completeness: { delay: 200ms }
                systems:
                  crm: { connection: { url: "%s", username: postgres } }
                  erp:
                    connection: { url: "%s", username: %s }
                    source: { kind: kafka-debezium, bootstrap-servers: "%s", topic: %s }
                entities:
                  companies:
                    match-key: { attribute: org_no, normalize: digits }
                    attributes: [org_no, name]
                    tables:
                      crm: { table: public.company, primary-key: id, version-column: version,
                             columns: { org_no: org_no, name: name } }
                      erp: { table: %s.firma, primary-key: firmanr, version-column: versjon,
                             columns: { org_no: orgnr, name: navn } }
                  contacts:
                    match-key: { attribute: email, normalize: email }
                    attributes: [email, name, company]
                    references: { company: companies }
                    tables:
                      crm: { table: public.contact, primary-key: id, version-column: version,
                             columns: { email: email, name: full_name, company: company_id } }
                      erp: { table: %s.person, primary-key: pnr, version-column: versjon,
                             columns: { email: epost, name: navn, company: firma } }
                """
                        .formatted(
                                pg.jdbcUrl(DATABASE),
                                maria.jdbcUrl(DATABASE),
                                LocalMariaDb.USER,
                                TestKafka.bootstrapServers(),
                                topic,
                                DATABASE,
                                DATABASE);
        JobConfig job = TestConfigs.parseJob(yaml).map(entity -> TableTypes.infer(entity).config());
        SyncJob.prepareDatabases(job);

        try (DebeziumFeed feed =
                DebeziumFeed.startMySql(
                        "maria", maria, DATABASE, JobTables.captured(job, "erp"), topic)) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            env.configure(SyncRun.jobSettings());
            SyncJob.ofDatabases(job).build(env);
            JobClient client = env.executeAsync("refsmaria");
            try {
                String crmContacts =
                        "SELECT p.email, c.org_no FROM contact p"
                                + " LEFT JOIN company c ON c.id = p.company_id";
                String erpContacts =
                        "SELECT p.epost, f.orgnr FROM person p"
                                + " LEFT JOIN firma f ON f.firmanr = p.firma";
                Await.until(
                        "every contact in both systems, at the same company",
                        CONVERGENCE,
                        () ->
                                contacts(pg.connect(DATABASE), crmContacts).size() == 3
                                        && contacts(pg.connect(DATABASE), crmContacts)
                                                .equals(
                                                        contacts(
                                                                maria.connect(DATABASE),
                                                                erpContacts)),
                        () ->
                                contacts(pg.connect(DATABASE), crmContacts)
                                        + " / "
                                        + contacts(maria.connect(DATABASE), erpContacts));

                // A contact moved in MariaDB: PostgreSQL follows with its own company id.
                maria.execute(
                        DATABASE,
                        "UPDATE person SET firma = 101, versjon = versjon + 1"
                                + " WHERE epost = 'cid@gamma'");
                Await.until(
                        "Cid at Acme in CRM",
                        CONVERGENCE,
                        () ->
                                "111"
                                        .equals(
                                                contacts(pg.connect(DATABASE), crmContacts)
                                                        .get("cid@gamma")),
                        () -> contacts(pg.connect(DATABASE), crmContacts).toString());
                assertThat(contacts(maria.connect(DATABASE), erpContacts))
                        .isEqualTo(contacts(pg.connect(DATABASE), crmContacts))
                        .containsEntry("bob@beta", "222");
                ReferenceInvariants.check(
                                job,
                                Map.of(
                                        "crm",
                                        () -> pg.connect(DATABASE),
                                        "erp",
                                        () -> maria.connect(DATABASE)))
                        .assertClean();
            } finally {
                client.cancel().get();
            }
        }
    }

    /** Each contact's e-mail with its company's org number (closes the connection). */
    private static Map<String, String> contacts(Connection c, String sql) throws SQLException {
        try (c) {
            return CompaniesAndContacts.pairs(c, sql);
        }
    }
}
