package io.bidisync.job.config;

import io.bidisync.job.testutil.TestConfigs;
import io.bidisync.udfs.normalize.Normalizer;
import io.bidisync.udfs.survivorship.Rule;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The published JSON Schema of the configuration file ({@code bidisync-config.schema.json}) agrees
 * with the loader: it names exactly the keys and values the readers accept, and the repository's
 * example configurations validate against it.
 */
class ConfigSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonNode SCHEMA_TREE = schemaTree();
    private static final JsonSchema SCHEMA =
            JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012).getSchema(SCHEMA_TREE);

    /** A configuration with every key the loader knows, each set to a value it accepts. */
    private static final String EVERY_KEY =
            """
            name: customers
            match-key:
              attribute: email
              normalize: lower
            attributes:
              - email
              - name
              - phone
              - city
            survivorship:
              default: priority
              priority: [erp, crm]
              rules: { name: most-recent, city: priority }
            types: { phone: text }
            compare: { city: lower, phone: digits }
            completeness:
              delay: 2s
              max-wait: 30s
              heartbeat-interval: 500ms
              heartbeat-table: bidisync_heartbeat
            writer:
              batch-size: 500
              flush-interval: 200ms
              max-retries: 3
              retry-backoff: 500ms
              max-backoff: 10s
              outage-timeout: 5min
              insert-timeout: 5min
              insert-attempts: 4
              writes-table: bidisync_writes
            loop-breaker: { max-writes: 20, window: 1min, freeze: 1h }
            dead-letters: { system: crm, table: bidisync_dead_letter }
            golden-output:
              bootstrap-servers: "kafka:9092"
              topic: customers.golden
              transactional-id-prefix: bidisync-customers
              properties: { security.protocol: SASL_SSL, sasl.jaas.config: "${KAFKA_JAAS}" }
            audit: { system: crm, table: bidisync_audit_log }
            safety: { max-writes-per-system: 5%, window: 10m }
            systems:
              crm:
                connection:
                  url: "${CRM_URL}"
                  username: sync
                  password: "${CRM_PASSWORD}"
                table: customer
                primary-key: id
                version-column: row_version
                version-managed-by: database
                columns: { email: email, name: full_name, phone: phone_no, city: city }
                write: [insert, update, delete]
                deletes: propagate
                create-publication: false
                source: { kind: postgres-cdc }
              erp:
                connection: { url: "jdbc:mariadb://erp-db:3306/erp", username: sync }
                table: erp.client
                primary-key: [client_no, town]
                columns: { email: mail, name: name, phone: phone, city: town }
                lossy: [name]
                write: []
                source:
                  kind: kafka-debezium
                  bootstrap-servers: "kafka:9092"
                  topic: erp.changes
                  group-id: bidisync-customers-erp
                  heartbeat-topic: __debezium-heartbeat.erp
                  caught-up-after: 5s
                  properties: { sasl.jaas.config: "${ERP_KAFKA_JAAS}" }
            """;

    private static final Map<String, String> ENVIRONMENT =
            Map.of(
                    "CRM_URL", "jdbc:postgresql://crm-db:5432/crm",
                    "KAFKA_JAAS", "jaas",
                    "ERP_KAFKA_JAAS", "jaas");

    @Test
    void everyMappingNamesTheKeysItsReaderAccepts() {
        Map<String, Set<String>> readers = new LinkedHashMap<>();
        // The file's top level describes both shapes: one entity type, or several.
        Set<String> top = new TreeSet<>(ConfigLoader.TOP_KEYS);
        top.addAll(EntitiesReader.TOP_KEYS);
        readers.put("", top);
        readers.put("/properties/match-key", ModelReader.MATCH_KEY_KEYS);
        readers.put("/properties/survivorship", ModelReader.SURVIVORSHIP_KEYS);
        readers.put("/properties/completeness", TuningReader.COMPLETENESS_KEYS);
        readers.put("/properties/writer", TuningReader.WRITER_KEYS);
        readers.put("/properties/loop-breaker", TuningReader.LOOP_BREAKER_KEYS);
        readers.put("/properties/safety", TuningReader.SAFETY_KEYS);
        readers.put("/properties/dead-letters/oneOf/0", OutputsReader.DEAD_LETTER_TABLE_KEYS);
        readers.put("/properties/dead-letters/oneOf/1", OutputsReader.DEAD_LETTER_TOPIC_KEYS);
        readers.put("/properties/golden-output", OutputsReader.GOLDEN_OUTPUT_KEYS);
        // The audit reader lists `topic` among a table's keys too: naming it makes a topic.
        readers.put("/properties/audit/oneOf/1", without(OutputsReader.AUDIT_TABLE_KEYS, "topic"));
        readers.put("/properties/audit/oneOf/2", OutputsReader.AUDIT_TOPIC_KEYS);
        readers.put("/$defs/system", SystemsReader.SYSTEM_KEYS);
        readers.put("/$defs/entity", EntitiesReader.ENTITY_KEYS);
        readers.put("/$defs/table", EntitiesReader.TABLE_KEYS);
        readers.put("/$defs/entityReference", EntitiesReader.REFERENCE_KEYS);
        readers.put("/$defs/system/properties/connection", SystemsReader.CONNECTION_KEYS);
        readers.put("/$defs/system/properties/source/oneOf/0", SourceReader.CDC_KEYS);
        readers.put("/$defs/system/properties/source/oneOf/1", SourceReader.DEBEZIUM_KEYS);

        // Every closed mapping of the schema is one the loader reads, and names the same keys.
        assertThat(closedMappings(SCHEMA_TREE, "")).isEqualTo(readers.keySet());
        readers.forEach(
                (pointer, keys) ->
                        assertThat(propertyNames(SCHEMA_TREE.at(pointer)))
                                .as(pointer)
                                .isEqualTo(new TreeSet<>(keys)));
    }

    @Test
    void everyChoiceNamesTheValuesTheLoaderAccepts() {
        assertThat(enumAt("/$defs/normalizer"))
                .isEqualTo(names(Arrays.stream(Normalizer.values()).map(Normalizer::configName)));
        assertThat(enumAt("/$defs/rule"))
                .isEqualTo(names(Arrays.stream(Rule.values()).map(Rule::configName)));
        assertThat(enumAt("/$defs/system/properties/write/items"))
                .isEqualTo(lowerCase(WriteOperation.values()));
        assertThat(enumAt("/$defs/system/properties/deletes"))
                .isEqualTo(lowerCase(DeletePolicy.values()));
        assertThat(enumAt("/$defs/system/properties/version-managed-by"))
                .isEqualTo(lowerCase(VersionOwner.values()));
        assertThat(
                        Set.of(
                                SCHEMA_TREE
                                        .at(
                                                "/$defs/system/properties/source/oneOf/0/properties/kind/const")
                                        .asText(),
                                SCHEMA_TREE
                                        .at(
                                                "/$defs/system/properties/source/oneOf/1/properties/kind/const")
                                        .asText()))
                .containsExactlyInAnyOrder(SourceReader.CDC, SourceReader.DEBEZIUM);
    }

    @Test
    void aConfigurationWithEveryKeyIsValidForBoth() throws Exception {
        ConfigLoader.parse(EVERY_KEY, ENVIRONMENT::get);
        assertThat(validate(EVERY_KEY)).isEmpty();
    }

    @Test
    void aFileOfSeveralEntityTypesIsValidForBoth() throws Exception {
        String file =
                """
                name: crm-erp
                systems:
                  crm: { connection: { url: "jdbc:postgresql://crm-db:5432/crm", username: sync } }
                  erp: { connection: { url: "jdbc:postgresql://erp-db:5432/erp", username: sync } }
                entities:
                  companies:
                    match-key: { attribute: org_no, normalize: digits }
                    attributes: [org_no, name]
                    tables:
                      crm: { table: public.company, primary-key: id, columns: { org_no: org_no, name: name } }
                      erp: { table: public.firma, primary-key: firmanr, columns: { org_no: orgnr, name: navn } }
                  contacts:
                    match-key: { attribute: email, normalize: email }
                    attributes: [email, company]
                    references: { company: { entity: companies, wait: 1min, unresolved: null } }
                    deletes: propagate
                    tables:
                      crm: { table: public.contact, primary-key: id, version-column: version, columns: { email: email, company: company_id } }
                      erp: { table: public.person, primary-key: pnr, write: [insert, update, delete], columns: { email: epost, company: firma } }
                """;
        ConfigLoader.parseJob(file, ENVIRONMENT::get);
        assertThat(validate(file)).isEmpty();
        assertThat(validate(file.replace("deletes: propagate", "colour: red"))).isNotEmpty();
    }

    @Test
    void theTestAndDeploymentConfigurationsAreValid() throws Exception {
        String demo =
                TestConfigs.crmErpYaml("jdbc:postgresql://h/crm", "jdbc:postgresql://h/erp", "");
        assertThat(validate(demo)).isEmpty();

        Map<?, ?> configMap =
                yaml(Files.readString(repository("deploy/kubernetes/configmap.yaml")));
        String customers = (String) ((Map<?, ?>) configMap.get("data")).get("customers.yaml");
        ConfigLoader.parse(customers, name -> "set");
        assertThat(validate(customers)).isEmpty();
    }

    /**
     * The documentation's examples show every key with a value the loader accepts; some leave out
     * keys a real file needs ("primary-key, columns, … as for crm"), so only those may be missing.
     */
    @Test
    void theDocumentedExamplesAreValidButForTheKeysTheyLeaveOut() throws IOException {
        List<String> examples = new ArrayList<>();
        for (Path page : documentation()) {
            Matcher block =
                    Pattern.compile("```yaml\\n(.*?)```", Pattern.DOTALL)
                            .matcher(Files.readString(page));
            while (block.find()) {
                if (block.group(1).contains("\nsystems:")) {
                    examples.add(block.group(1));
                    assertThat(validate(block.group(1)))
                            .as(page + " example:\n" + block.group(1))
                            .allSatisfy(
                                    problem -> assertThat(problem.getType()).isEqualTo("required"));
                }
            }
        }
        assertThat(examples).as("configuration examples in README.md and docs/").isNotEmpty();
    }

    @Test
    void whatTheLoaderRejectsForItsShapeTheSchemaRejectsToo() throws Exception {
        String base = ConfigLoaderTest.TWO_SYSTEMS;
        ConfigLoader.parse(base, ENVIRONMENT::get);
        assertThat(validate(base)).isEmpty();

        List<String> rejected = new ArrayList<>();
        for (String section :
                List.of(
                        "colour: blue",
                        "writer: { batch-size: 0 }",
                        "completeness: { delay: soon }",
                        "safety: { max-writes-per-system: lots }",
                        "audit: yes please",
                        "dead-letters: { system: crm, topic: d, bootstrap-servers: \"k:1\" }",
                        "golden-output: { topic: g }")) {
            rejected.add(base + section + "\n");
        }
        rejected.add(EVERY_KEY.replace("deletes: propagate", "deletes: cascade"));
        rejected.add(EVERY_KEY.replace("\"${CRM_PASSWORD}\"", "hunter2"));
        rejected.add(EVERY_KEY.replace("\"${KAFKA_JAAS}\"", "literal"));
        rejected.add(EVERY_KEY.replace("    primary-key: [client_no, town]\n", ""));
        rejected.add(EVERY_KEY.replace("[client_no, town]", "[client_no, client_no]"));
        rejected.add(EVERY_KEY.replace("kind: kafka-debezium", "kind: oracle"));
        for (String yaml : rejected) {
            assertThatThrownBy(() -> ConfigLoader.parse(yaml, ENVIRONMENT::get))
                    .as(yaml)
                    .isInstanceOf(ConfigException.class);
            assertThat(validate(yaml)).as(yaml).isNotEmpty();
        }
    }

    private static Set<ValidationMessage> validate(String yaml) {
        return SCHEMA.validate(JSON.valueToTree(yaml(yaml)));
    }

    private static Map<?, ?> yaml(String text) {
        return new Yaml(new SafeConstructor(new LoaderOptions())).load(text);
    }

    /** The JSON pointers of the schema's objects that allow no other keys than they name. */
    private static Set<String> closedMappings(JsonNode node, String pointer) {
        Set<String> out = new HashSet<>();
        if (node.isObject()) {
            JsonNode additional = node.get("additionalProperties");
            if (additional != null && additional.isBoolean() && !additional.asBoolean()) {
                out.add(pointer);
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                out.addAll(closedMappings(e.getValue(), pointer + "/" + e.getKey()));
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                out.addAll(closedMappings(node.get(i), pointer + "/" + i));
            }
        }
        return out;
    }

    private static Set<String> propertyNames(JsonNode schema) {
        Set<String> out = new TreeSet<>();
        schema.get("properties").fieldNames().forEachRemaining(out::add);
        return out;
    }

    private static Set<String> enumAt(String pointer) {
        Set<String> out = new TreeSet<>();
        SCHEMA_TREE.at(pointer + "/enum").forEach(value -> out.add(value.asText()));
        return out;
    }

    private static Set<String> names(Stream<String> names) {
        return names.collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> lowerCase(Enum<?>[] values) {
        return names(Arrays.stream(values).map(v -> v.name().toLowerCase(Locale.ROOT)));
    }

    private static Set<String> without(Set<String> keys, String key) {
        Set<String> out = new HashSet<>(keys);
        out.remove(key);
        return out;
    }

    /** README.md and the pages under docs/, wherever the configuration is documented. */
    private static List<Path> documentation() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(repository("README.md")));
        Path docs = repository("docs");
        if (Files.isDirectory(docs)) {
            try (Stream<Path> files = Files.walk(docs)) {
                files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(pages::add);
            }
        }
        return pages;
    }

    /** A file of the repository; the tests run in {@code job/}. */
    private static Path repository(String file) {
        return Path.of("..").resolve(file).normalize();
    }

    private static JsonNode schemaTree() {
        try (InputStream in =
                ConfigSchemaTest.class.getResourceAsStream("/bidisync-config.schema.json")) {
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
