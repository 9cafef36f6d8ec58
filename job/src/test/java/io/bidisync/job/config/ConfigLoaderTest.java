package io.bidisync.job.config;

import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.udfs.normalize.MatchKey;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.survivorship.Rule;
import io.bidisync.udfs.types.ValueType;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {

    private static List<String> problems(String yaml) {
        try {
            ConfigLoader.parse(yaml, Map.of("CRM_URL", "jdbc:postgresql://h/db")::get);
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("expected the configuration to be rejected");
    }

    @Test
    void attributesHaveTheirDeclaredTypeOrText() throws Exception {
        String yaml =
                """
                name: people
                match-key: { attribute: email }
                attributes: [email, born, balance, tags]
                types: { born: date, balance: decimal, tags: "text[]" }
                systems:
                  crm:
                    connection: { url: "${CRM_URL}", username: sync }
                    table: public.person
                    primary-key: id
                    columns: { email: email, born: born, balance: balance, tags: tags }
                """;
        SyncConfig config =
                ConfigLoader.parse(yaml, Map.of("CRM_URL", "jdbc:postgresql://h/db")::get);
        assertThat(config.attributes().types())
                .containsExactly(
                        ValueType.TEXT, ValueType.DATE, ValueType.DECIMAL, ValueType.TEXT_ARRAY);
        assertThat(
                        problems(
                                yaml.replace("born: date", "born: datetime")
                                        .replace("balance: decimal", "saldo: decimal")))
                .contains(
                        "types.born: unknown type 'datetime' (one of: text, integer, decimal,"
                                + " double, boolean, date, time, timestamp, timestamptz, interval,"
                                + " uuid, json, bytes, text[], integer[])",
                        "types.saldo: 'saldo' is not one of the attributes [email, born, balance,"
                                + " tags]");
    }

    @Test
    void readsTheDesignExample() throws Exception {
        String yaml =
                """
                name: customers
                match-key: { attribute: email, normalize: email }
                attributes: [email, name, phone, city]
                survivorship:
                  default: most-recent
                  priority: [crm, erp]
                  rules: { name: priority }
                compare: { city: lower }
                completeness: { delay: 2s, heartbeat-interval: 250ms }
                systems:
                  crm:
                    connection: { url: "${CRM_URL}", username: sync, password: "${CRM_PASSWORD}" }
                    table: public.customer
                    primary-key: id
                    version-column: version
                    version-managed-by: database
                    columns: { email: email, name: full_name, phone: phone, city: city }
                    write: [insert, update]
                    deletes: propagate
                  erp:
                    connection: { url: "jdbc:postgresql://erp:5433/erp", username: sync }
                    table: client
                    primary-key: client_no
                    columns: { email: mail, name: name }
                    write: []
                """;
        SyncConfig config =
                ConfigLoader.parse(yaml, Map.of("CRM_URL", "jdbc:postgresql://h/db")::get);
        assertThat(config.name()).isEqualTo("customers");
        assertThat(config.matchKey()).isEqualTo(MatchKey.of("email", Normalizer.EMAIL));
        assertThat(config.survivorship().rule(1)).isEqualTo(Rule.PRIORITY);
        assertThat(config.survivorship().rule(0)).isEqualTo(Rule.MOST_RECENT);
        assertThat(config.comparison().normalizer(3)).isEqualTo(Normalizer.LOWER);
        assertThat(config.comparison().normalizer(0)).isEqualTo(Normalizer.TRIM);
        assertThat(config.completeness().delay()).isEqualTo(Duration.ofSeconds(2));
        assertThat(config.completeness().heartbeatTable()).isEqualTo("bidisync_heartbeat");
        assertThat(config.completeness().maxWait()).isEqualTo(Duration.ofSeconds(20));

        SystemConfig crm = config.system("crm");
        assertThat(crm.url()).isEqualTo("jdbc:postgresql://h/db");
        assertThat(crm.password().environmentVariable()).isEqualTo("CRM_PASSWORD");
        assertThat(crm.password().toString()).doesNotContain("secret").isEqualTo("${CRM_PASSWORD}");
        assertThat(crm.versionManagedBy()).isEqualTo(VersionOwner.DATABASE);
        assertThat(crm.deletes()).isEqualTo(DeletePolicy.PROPAGATE);
        assertThat(crm.write())
                .containsExactlyInAnyOrder(WriteOperation.INSERT, WriteOperation.UPDATE);
        assertThat(crm.slotName("customers")).isEqualTo("bidisync_customers_crm");

        SystemConfig erp = config.system("erp");
        assertThat(erp.table()).isEqualTo(new TableName("public", "client"));
        assertThat(erp.hasVersionColumn()).isFalse();
        assertThat(erp.write()).isEmpty();
        assertThat(erp.deletes()).isEqualTo(DeletePolicy.IGNORE);
        assertThat(JdbcUrl.parsePostgres(erp.url())).isEqualTo(new JdbcUrl("erp", 5433, "erp"));
    }

    @Test
    void reportsEveryProblemOnOneLineEach() {
        String yaml =
                """
                name: Customers!
                match-key: { attribute: mail, normalize: soundex }
                attributes: [email, name, fax]
                survivorship: { default: newest, priority: [crm, sap], rules: { shoe: priority } }
                completeness: { delay: soon }
                colour: blue
                systems:
                  crm:
                    connection: { url: "mysql://x", username: sync, password: hunter2 }
                    table: "customer; DROP TABLE x"
                    primary-key: id
                    version-managed-by: job
                    columns: { email: email, name: "full name", phone: phone }
                    write: [insert, upsert]
                    deletes: cascade
                  erp:
                    connection: { url: "${ERP_URL}", username: sync }
                    table: client
                    primary-key: client_no
                    columns: { name: name }
                """;
        List<String> problems = problems(yaml);
        assertThat(problems)
                .contains(
                        "name: must be lower case letters, digits, '-' or '_', starting with a letter (got 'Customers!')",
                        "match-key.attribute: 'mail' is not one of the attributes [email, name, fax]",
                        "match-key.normalize: unknown normaliser 'soundex' (use email, phone, digits, lower, trim or none)",
                        "survivorship.default: unknown rule 'newest' (use most-recent or priority)",
                        "survivorship.rules.shoe: 'shoe' is not one of the attributes [email, name, fax]",
                        "completeness.delay: not a duration: 'soon' (use e.g. 500ms, 1s, 2min)",
                        "systems.crm.connection.url: must be a JDBC URL like jdbc:postgresql://host:5432/db, jdbc:mariadb://host:3306/db or jdbc:mysql://host:3306/db",
                        "systems.crm.version-managed-by: is set but there is no version-column",
                        "systems.crm.columns.phone: 'phone' is not one of the attributes [email, name, fax]",
                        "systems.crm.write: unknown value 'upsert' (use insert, update, delete)",
                        "systems.crm.deletes: unknown value 'cascade' (use ignore, propagate)",
                        "systems.erp.connection.url: environment variable ERP_URL is not set",
                        "survivorship.priority: names unknown system 'sap' (systems: [crm, erp])");
        assertThat(problems).anyMatch(p -> p.startsWith("colour: unknown key"));
        assertThat(problems)
                .anyMatch(p -> p.startsWith("systems.crm.table: must be 'schema.table'"));
        assertThat(problems)
                .anyMatch(p -> p.startsWith("systems.crm.columns.name: must name a column"));
        assertThat(problems)
                .anyMatch(
                        p ->
                                p.startsWith(
                                        "systems.crm.connection.password: must be an environment variable reference"));
        assertThat(problems)
                .allSatisfy(p -> assertThat(p).doesNotContain("\n").doesNotContain("hunter2"));
    }

    @Test
    void requiresTheMatchKeyInEverySystem() {
        String yaml =
                TestConfigs.crmErpYaml("jdbc:postgresql://h/crm", "jdbc:postgresql://h/erp", "")
                        .replace(
                                "columns: { email: mail, name: name, phone: phone, city: town }",
                                "columns: { name: name, phone: phone, city: town }");
        assertThat(problems(yaml))
                .containsExactly("systems.erp.columns: must map the match-key attribute 'email'");
    }

    @Test
    void readsAMatchKeyOfSeveralAttributesAndACompositePrimaryKey() throws Exception {
        String yaml =
                TestConfigs.crmErpYaml("jdbc:postgresql://h/crm", "jdbc:postgresql://h/erp", "")
                        .replace(
                                "match-key: { attribute: email, normalize: email }",
                                "match-key: { attributes: [name, city], normalize: { name: lower } }")
                        .replace("primary-key: client_no", "primary-key: [client_no, town]");
        SyncConfig config = ConfigLoader.parse(yaml, Map.<String, String>of()::get);
        assertThat(config.matchKey())
                .isEqualTo(
                        new MatchKey(
                                List.of(
                                        new MatchKey.Part("name", Normalizer.LOWER),
                                        new MatchKey.Part("city", Normalizer.TRIM))));
        assertThat(config.matchKeyIndexes()).containsExactly(1, 3);
        assertThat(config.system("erp").primaryKey()).containsExactly("client_no", "town");
        assertThat(config.system("crm").primaryKey()).containsExactly("id");
        // The key column town carries the city: inserts can fill it, updates leave it alone.
        assertThat(config.system("erp").key(config.attributes()).attributeOf(1)).isEqualTo(3);
    }

    @Test
    void aMatchKeyOfSeveralAttributesIsCheckedPartByPart() {
        String yaml =
                TestConfigs.crmErpYaml("jdbc:postgresql://h/crm", "jdbc:postgresql://h/erp", "")
                        .replace(
                                "match-key: { attribute: email, normalize: email }",
                                "match-key: { attributes: [name, birth], normalize: { name: lowr,"
                                        + " phone: digits } }")
                        .replace(
                                "columns: { email: mail, name: name, phone: phone, city: town }",
                                "columns: { email: mail, phone: phone, city: town }")
                        .replace("primary-key: client_no", "primary-key: [client_no, client_no]");
        assertThat(problems(yaml))
                .containsExactly(
                        "match-key.normalize.name: unknown normaliser 'lowr' (use email, phone,"
                                + " digits, lower, trim or none)",
                        "match-key.attributes: 'birth' is not one of the attributes [email, name,"
                                + " phone, city]",
                        "match-key.normalize: names 'phone', which is not part of the key",
                        "systems.erp.primary-key: expected one column or a list of distinct"
                                + " columns, got [client_no, client_no]");
    }

    @Test
    void attributeThatNoSystemMapsIsAProblem() {
        String yaml =
                TestConfigs.crmErpYaml("jdbc:postgresql://h/crm", "jdbc:postgresql://h/erp", "")
                        .replace(
                                "attributes: [email, name, phone, city]",
                                "attributes: [email, name, phone, city, vat]");
        assertThat(problems(yaml)).containsExactly("attributes.vat: no system maps it to a column");
    }

    @Test
    void rejectsMalformedYaml() {
        assertThat(problems("name: [unclosed"))
                .singleElement()
                .asString()
                .startsWith("(file): not valid YAML");
        assertThat(problems("just text"))
                .singleElement()
                .asString()
                .startsWith("(file): expected a mapping");
    }

    @Test
    void identifiersAreQuotedAndInjectionIsRejected() {
        assertThat(SqlIdentifier.quote("full_name")).isEqualTo("\"full_name\"");
        assertThat(SqlIdentifier.isValid("a\"; drop table x; --")).isFalse();
        assertThatThrownBy(() -> SqlIdentifier.quote("x\" OR 1=1"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new TableName("public", "a b"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static String withErpSource(String source, String extra) {
        return TestConfigs.crmErpYaml("jdbc:postgresql://h/crm", "jdbc:mariadb://h:3306/erp", extra)
                .replace(
                        "    table: public.client\n", "    table: erp.client\n" + source.indent(4));
    }

    @Test
    void readsAKafkaDebeziumSourceAndTheKafkaOutputs() throws Exception {
        String yaml =
                withErpSource(
                        """
                        source:
                          kind: kafka-debezium
                          bootstrap-servers: "k1:9092,k2:9092"
                          topic: erp.changes
                          heartbeat-topic: __debezium-heartbeat.erp
                          properties:
                            security.protocol: SASL_SSL
                            sasl.jaas.config: "${ERP_JAAS}"
                        """,
                        """
                        golden-output: { bootstrap-servers: "k1:9092", topic: customers.golden }
                        dead-letters: { bootstrap-servers: "k1:9092", topic: customers.dead }
                        """);
        SyncConfig config = ConfigLoader.parse(yaml, Map.of("ERP_JAAS", "secret jaas")::get);

        DebeziumTopic erp = config.system("erp").changeTopic();
        assertThat(config.system("crm").readByCdc()).isTrue();
        assertThat(config.system("erp").readByCdc()).isFalse();
        assertThat(erp.topic()).isEqualTo("erp.changes");
        assertThat(erp.heartbeatTopic()).isEqualTo("__debezium-heartbeat.erp");
        assertThat(erp.groupId()).isEqualTo("bidisync-demo-erp");
        assertThat(erp.caughtUpAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(erp.kafka().bootstrapServers()).isEqualTo("k1:9092,k2:9092");
        // The secret stays a reference in the configuration (and so in the job graph's operators).
        assertThat(erp.kafka().properties())
                .containsEntry("sasl.jaas.config", "${ERP_JAAS}")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(erp.kafka().environmentVariables()).containsExactly("ERP_JAAS");
        assertThat(config.goldenOutput().topic()).isEqualTo("customers.golden");
        assertThat(config.goldenOutput().transactionalIdPrefix()).isEqualTo("bidisync-demo");
        assertThat(config.deadLetterTopic().topic()).isEqualTo("customers.dead");
        assertThat(config.deadLetterTable()).isNull();
    }

    @Test
    void kafkaSettingsAreCheckedLikeEverythingElse() {
        String yaml =
                withErpSource(
                        """
                        source:
                          kind: kafka-debezium
                          topic: erp.changes
                          caught-up-after: soon
                          properties:
                            sasl.jaas.config: "org.apache.kafka.common.security.plain.PlainLoginModule required password=hunter2;"
                            ssl.truststore.password: "${MISSING}"
                        """,
                        """
                        golden-output: { topic: g }
                        dead-letters: { system: crm, topic: d, bootstrap-servers: "k:1" }
                        """);
        List<String> problems = problems(yaml);
        assertThat(problems)
                .containsExactlyInAnyOrder(
                        "systems.erp.source.bootstrap-servers: is missing",
                        "systems.erp.source.caught-up-after: not a duration: 'soon' (use e.g. 500ms, 1s, 2min)",
                        "systems.erp.source.properties.sasl.jaas.config: holds a secret: use an environment variable reference like ${KAFKA_JAAS_CONFIG}; literal secrets are not accepted",
                        "systems.erp.source.properties.ssl.truststore.password: environment variable MISSING is not set",
                        "golden-output.bootstrap-servers: is missing",
                        "dead-letters.system: unknown key (known: bootstrap-servers, properties, topic)",
                        "dead-letters: set either topic (Kafka) or system and table, not both");
        assertThat(String.join("\n", problems)).doesNotContain("hunter2");
    }

    @Test
    void aDatabaseOtherThanPostgresNeedsAChangeTopic() {
        assertThat(problems(withErpSource("source: { kind: postgres-cdc }\n", "")))
                .containsExactly(
                        "systems.erp.source.kind: the job reads changes by CDC from PostgreSQL only;"
                                + " for this database set kafka-debezium and a Debezium change topic");
        assertThat(problems(withErpSource("source: { kind: oracle }\n", "")))
                .contains(
                        "systems.erp.source.kind: unknown kind 'oracle' (use postgres-cdc or kafka-debezium)");
    }

    /** A small valid configuration: only required keys (ConfigSchemaTest builds on it too). */
    static final String TWO_SYSTEMS =
            """
            name: customers
            match-key: { attribute: email }
            attributes: [email]
            systems:
              crm:
                connection: { url: "jdbc:postgresql://crm/db", username: sync }
                table: customer
                primary-key: id
                columns: { email: email }
              erp:
                connection: { url: "jdbc:postgresql://erp/db", username: sync }
                table: client
                primary-key: id
                columns: { email: mail }
            """;

    @Test
    void theAuditGoesToTheFirstSystemOrTheNamedOne() throws Exception {
        assertThat(ConfigLoader.parse(TWO_SYSTEMS, k -> null).audit()).isNull();
        assertThat(ConfigLoader.parse(TWO_SYSTEMS + "audit: false\n", k -> null).audit()).isNull();
        assertThat(ConfigLoader.parse(TWO_SYSTEMS + "audit: true\n", k -> null).audit())
                .isEqualTo(SyncConfig.Audit.table("crm", "bidisync_audit_log"));
        assertThat(
                        ConfigLoader.parse(
                                        TWO_SYSTEMS + "audit: { system: erp, table: sync_audit }\n",
                                        k -> null)
                                .audit())
                .isEqualTo(SyncConfig.Audit.table("erp", "sync_audit"));
        assertThat(problems(TWO_SYSTEMS + "audit: yes please\n"))
                .containsExactly(
                        "audit: must be true, false, {system, table} or {topic,"
                                + " bootstrap-servers}, got 'yes please'");
        // Next to the golden output, by default or on its cluster.
        String kafka = TWO_SYSTEMS + "golden-output: { bootstrap-servers: \"k:9092\", topic: g }\n";
        SyncConfig.Audit topic = ConfigLoader.parse(kafka + "audit: true\n", k -> null).audit();
        assertThat(topic.topic()).isEqualTo("g.audit");
        assertThat(topic.kafka().bootstrapServers()).isEqualTo("k:9092");
        assertThat(
                        ConfigLoader.parse(kafka + "audit: { topic: trail }\n", k -> null)
                                .audit()
                                .kafka()
                                .bootstrapServers())
                .isEqualTo("k:9092");
        assertThat(problems(TWO_SYSTEMS + "audit: { topic: trail }\n"))
                .containsExactly("audit.bootstrap-servers: is missing");
        assertThat(problems(TWO_SYSTEMS + "audit: { system: hr, table: \"a;b\" }\n"))
                .containsExactly(
                        "audit.system: names unknown system 'hr' (systems: [crm, erp])",
                        "audit.table: not a valid SQL identifier: 'a;b'");
    }

    @Test
    void problemsComeSectionBySectionInTheOrderTheLoaderReadsThem() {
        String yaml =
                """
                name: Bad Name
                colour: blue
                attributes: [email, name]
                match-key: { attribute: mail }
                survivorship: { default: newest, priority: [crm, sap] }
                compare: { city: lower }
                completeness: { delay: soon }
                writer: { batch-size: 0 }
                loop-breaker: { freeze: -1s }
                systems:
                  crm:
                    connection: { url: "jdbc:postgresql://h/crm", username: sync }
                    table: customer
                    primary-key: id
                    version-column: v
                    columns: { email: email, name: v }
                dead-letters: { system: hr }
                golden-output: { topic: g }
                audit: { system: hr }
                safety: { max-writes-per-system: 0% }
                """;
        assertThat(problems(yaml))
                .containsExactly(
                        "colour: unknown key (known: attributes, audit, compare, completeness,"
                                + " dead-letters, golden-output, loop-breaker, match-key, name,"
                                + " safety, survivorship, systems, types, writer)",
                        "name: must be lower case letters, digits, '-' or '_', starting with a"
                                + " letter (got 'Bad Name')",
                        "match-key.attribute: 'mail' is not one of the attributes [email, name]",
                        "survivorship.default: unknown rule 'newest' (use most-recent or priority)",
                        "compare.city: 'city' is not one of the attributes [email, name]",
                        "completeness.delay: not a duration: 'soon' (use e.g. 500ms, 1s, 2min)",
                        "writer.batch-size: must be a whole number ≥ 1, got '0'",
                        "loop-breaker.freeze: not a duration: '-1s' (use e.g. 500ms, 1s, 2min)",
                        "systems.crm.columns: maps the version column 'v' to an attribute",
                        "survivorship.priority: names unknown system 'sap' (systems: [crm])",
                        "dead-letters.system: names unknown system 'hr' (systems: [crm])",
                        "golden-output.bootstrap-servers: is missing",
                        "audit.system: names unknown system 'hr' (systems: [crm])",
                        "safety.max-writes-per-system: must be a share of the rows above 0% and"
                                + " up to 100% (like 5%) or a positive number, got '0%'");
    }
}
