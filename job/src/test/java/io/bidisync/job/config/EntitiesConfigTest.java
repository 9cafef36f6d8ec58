package io.bidisync.job.config;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.types.ValueType;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Files of several entity types: shared systems, per-entity tables, references. */
class EntitiesConfigTest {
    private static final String FILE =
            """
            name: crm-erp
            completeness: { delay: 2s }
            systems:
              crm: { connection: { url: "jdbc:postgresql://crm-db:5432/crm", username: sync, password: "${CRM_PASSWORD}" } }
              erp:
                connection: { url: "jdbc:postgresql://erp-db:5432/erp", username: sync, password: "${ERP_PASSWORD}" }
                write: [insert, update]
            entities:
              contacts:
                match-key: { attribute: email, normalize: email }
                attributes: [email, name, company]
                references: { company: companies }
                tables:
                  crm: { table: public.contact, primary-key: id, version-column: version, columns: { email: email, name: full_name, company: company_id } }
                  erp: { table: public.person, primary-key: pnr, version-column: versjon, columns: { email: epost, name: navn, company: firma } }
              companies:
                match-key: { attribute: org_no, normalize: digits }
                attributes: [org_no, name, city]
                deletes: propagate
                tables:
                  crm: { table: public.company, primary-key: id, version-column: version, columns: { org_no: org_no, name: name, city: city } }
                  erp: { table: public.firma, primary-key: firmanr, version-column: versjon, columns: { org_no: orgnr, name: navn, city: sted }, deletes: ignore }
            """;

    @Test
    void readsEachEntityTypeWithTheSharedSystemsReferencedOnesFirst() throws Exception {
        JobConfig job = ConfigLoader.parseJob(FILE, name -> "secret");
        assertThat(job.name()).isEqualTo("crm-erp");
        assertThat(job.hasEntityTypes()).isTrue();
        // Companies first: contacts are resolved against their identities.
        assertThat(job.entities())
                .extracting(SyncConfig::entity)
                .containsExactly("companies", "contacts");
        SyncConfig contacts = job.entity("contacts");
        assertThat(contacts.references())
                .containsEntry(
                        "company",
                        new SyncConfig.Reference(
                                "companies", EntitiesReader.DEFAULT_REFERENCE_WAIT, false));
        assertThat(contacts.isReference(2)).isTrue();
        assertThat(contacts.system("erp").table().table()).isEqualTo("person");
        assertThat(contacts.system("erp").url()).isEqualTo("jdbc:postgresql://erp-db:5432/erp");
        assertThat(contacts.completeness().delay()).isEqualTo(Duration.ofSeconds(2));
        SyncConfig companies = job.entity("companies");
        assertThat(companies.system("crm").deletes()).isEqualTo(DeletePolicy.PROPAGATE);
        assertThat(companies.system("erp").deletes()).isEqualTo(DeletePolicy.IGNORE);
        assertThat(contacts.system("crm").deletes()).isEqualTo(DeletePolicy.IGNORE);
        // One slot and publication per system, whichever entity type asks.
        assertThat(contacts.system("crm").slotName(job.name()))
                .isEqualTo(companies.system("crm").slotName(job.name()))
                .isEqualTo("bidisync_crm_erp_crm");
        assertThat(job.systems()).containsOnlyKeys("crm", "erp");
        assertThat(contacts.scoped("identity")).isEqualTo("contacts:identity");
        // Its columns hold integers; golden records hold the referenced golden id.
        SyncConfig typed =
                contacts.withAttributes(
                        new Attributes(
                                contacts.attributes().names(),
                                List.of(ValueType.TEXT, ValueType.TEXT, ValueType.INTEGER)));
        assertThat(typed.goldenAttributes().type(2)).isEqualTo(ValueType.TEXT);
        assertThat(typed.goldenAttributes().type(0)).isEqualTo(ValueType.TEXT);
    }

    @Test
    void aFileOfOneEntityTypeIsAJobOfOne() throws Exception {
        JobConfig job =
                ConfigLoader.parseJob(
                        """
                        name: customers
                        match-key: { attribute: email }
                        attributes: [email]
                        systems:
                          crm: { connection: { url: "jdbc:postgresql://h/crm", username: u }, table: c, primary-key: id, columns: { email: email } }
                        """,
                        name -> null);
        assertThat(job.hasEntityTypes()).isFalse();
        assertThat(job.entities().get(0).entity()).isNull();
        assertThat(job.entities().get(0).scoped("identity")).isEqualTo("identity");
    }

    @Test
    void problemsAreReportedUnderTheKeysWritten() {
        assertThat(
                        problems(
                                yaml ->
                                        yaml.replace(
                                                        "references: { company: companies }",
                                                        "references: { company: firms, phone: companies }")
                                                .replace(
                                                        "primary-key: pnr,",
                                                        "primary-key: pnr, colour: red,")
                                                .replace(
                                                        "attributes: [org_no, name, city]",
                                                        "attributes: [org_no, org_no]")))
                .contains(
                        "entities.contacts.tables.erp.colour: unknown key (known: columns, deletes, lossy, primary-key, table, version-column, version-managed-by, write)",
                        "entities.contacts.references.phone: is not one of the attributes [email, name, company]",
                        "entities.companies.attributes: lists an attribute twice: [org_no, org_no]");
        assertThat(
                        problems(
                                yaml ->
                                        yaml.replace(
                                                "references: { company: companies }",
                                                "references: { company: firms }")))
                .containsExactly(
                        "entities.contacts.references.company: no entity type 'firms' in entities");
        assertThat(
                        problems(
                                yaml ->
                                        yaml.replace(
                                                "  erp: { table: public.firma",
                                                "  hr: { table: public.firma")))
                .contains(
                        "entities.companies.tables.hr: no such system in systems",
                        "entities.contacts.references.company: system erp has no table of companies: its references cannot be resolved");
    }

    @Test
    void aSystemsTableIsTheEntityTypes() {
        assertThat(
                        problems(
                                yaml ->
                                        yaml.replace(
                                                "    write: [insert, update]",
                                                "    write: [insert, update]\n    table: public.firma")))
                .containsExactly(
                        "systems.erp.table: unknown key (known: connection, create-publication, deletes, source, write)");
    }

    @Test
    void theTablesOfOneSystemShareItsSchema() {
        assertThat(problems(yaml -> yaml.replace("table: public.firma", "table: sales.firma")))
                .containsExactly(
                        "entities.companies.tables.erp.table: is in schema sales, another entity type's"
                                + " table of erp in public; the tables of one system share its schema"
                                + " (the job's heartbeat and writes tables are there)");
    }

    @Test
    void referencesMayNotFormACycle() {
        assertThat(
                        problems(
                                yaml ->
                                        yaml.replace(
                                                        "attributes: [org_no, name, city]",
                                                        "attributes: [org_no, name, city, owner]\n    references: { owner: contacts }")
                                                .replace(
                                                        "city: sted }", "city: sted, owner: eier }")
                                                .replace(
                                                        "city: city }",
                                                        "city: city, owner: owner }")))
                .containsExactly(
                        "entities: references form a cycle between [contacts, companies]; an entity type may not reference itself or one that references it");
    }

    @Test
    void anUnresolvedReferenceMayBeWrittenAsNull() throws Exception {
        for (String spelling : new String[] {"null", "\"null\""}) {
            SyncConfig contacts =
                    ConfigLoader.parseJob(
                                    FILE.replace(
                                            "references: { company: companies }",
                                            "references: { company: { entity: companies, wait: 30s,"
                                                    + " unresolved: "
                                                    + spelling
                                                    + " } }"),
                                    name -> "secret")
                            .entity("contacts");
            assertThat(contacts.references().get("company"))
                    .isEqualTo(new SyncConfig.Reference("companies", Duration.ofSeconds(30), true));
        }
        assertThat(
                        problems(
                                yaml ->
                                        yaml.replace(
                                                "references: { company: companies }",
                                                "references: { company: { entity: companies, unresolved: zero } }")))
                .containsExactly(
                        "entities.contacts.references.company.unresolved: must be dead-letter or null, got 'zero'");
    }

    @Test
    void aCommandOfOneEntityTypeRefusesAFileOfSeveral() {
        assertThatThrownBy(() -> ConfigLoader.parse(FILE, name -> "secret"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("declares [companies, contacts]");
    }

    private static List<String> problems(UnaryOperator<String> change) {
        try {
            ConfigLoader.parseJob(change.apply(FILE), name -> "secret");
        } catch (ConfigException e) {
            return e.problems();
        }
        throw new AssertionError("no problem found");
    }
}
