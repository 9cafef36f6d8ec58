package io.bidisync.job.config;

import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.survivorship.Rule;

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
        assertThat(config.matchKey().normalizer()).isEqualTo(Normalizer.EMAIL);
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
}
