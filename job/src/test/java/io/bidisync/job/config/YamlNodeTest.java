package io.bidisync.job.config;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The path-aware reader under every section reader: typed values, and problems as lines. */
class YamlNodeTest {
    private static final Map<String, String> ENVIRONMENT =
            Map.of("HOST", "db", "DELAY", "3s", "PASSWORD", "s3cret");

    private final Problems problems = new Problems();

    /** The file's top-level node over {@code yaml}. */
    private YamlNode file(String yaml) {
        Map<?, ?> map = new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
        return YamlNode.root(map, ENVIRONMENT::get, problems);
    }

    /** The mapping {@code section} of {@code yaml}. */
    private YamlNode section(String yaml) {
        return file(yaml).map("section", true);
    }

    private List<String> problems() {
        try {
            problems.throwIfAny();
            return List.of();
        } catch (ConfigException e) {
            return e.problems();
        }
    }

    @Test
    void aNestedMappingKnowsItsPath() {
        YamlNode file = file("systems: { erp: { source: { kind: x } } }");
        YamlNode systems = file.map("systems", true);
        YamlNode source = systems.map("erp", true).map("source", true);

        assertThat(file.path()).isEmpty();
        assertThat(file.path("name")).isEqualTo("name");
        assertThat(systems.path()).isEqualTo("systems");
        assertThat(source.path()).isEqualTo("systems.erp.source");
        assertThat(source.path("topic")).isEqualTo("systems.erp.source.topic");

        source.problem("topic", "is missing");
        source.problem("is wrong as a whole");
        assertThat(problems())
                .containsExactly(
                        "systems.erp.source.topic: is missing",
                        "systems.erp.source: is wrong as a whole");
    }

    @Test
    void mappingsAreRequiredOrOptionalAndCheckedForShape() {
        YamlNode file = file("writer: fast\nsystems: { crm: {} }");

        assertThat(file.map("writer", false)).isNull();
        assertThat(file.map("completeness", false)).isNull();
        assertThat(file.map("match-key", true)).isNull();
        assertThat(file.mapAt("writer")).isNull();
        assertThat(file.mapAt("systems").map("crm", true).isEmpty()).isTrue();
        assertThat(problems())
                .containsExactly("writer: expected a mapping, got 'fast'", "match-key: is missing");
    }

    @Test
    void unknownKeysAreReportedWithTheKnownOnes() {
        section("section: { delay: 1s, colour: blue, max-wait: 2s }")
                .rejectUnknownKeys(Set.of("max-wait", "delay", "heartbeat-table"));

        assertThat(problems())
                .containsExactly(
                        "section.colour: unknown key (known: delay, heartbeat-table, max-wait)");
    }

    @Test
    void singleValuesAreTextWithReferencesReplaced() {
        YamlNode node =
                section(
                        """
                        section:
                          url: "jdbc:postgresql://${HOST}:5432/x"
                          port: 5432
                          missing-variable: "${NOT_SET}/x"
                          nested: { a: b }
                          list: [a]
                        """);

        assertThat(node.string("url", true)).isEqualTo("jdbc:postgresql://db:5432/x");
        assertThat(node.string("port", true)).isEqualTo("5432");
        assertThat(node.string("missing-variable", true)).isEqualTo("/x");
        assertThat(node.string("nested", true)).isNull();
        assertThat(node.string("list", true)).isNull();
        assertThat(node.string("absent", false)).isNull();
        assertThat(node.string("required", true)).isNull();
        assertThat(problems())
                .containsExactly(
                        "section.missing-variable: environment variable NOT_SET is not set",
                        "section.nested: expected a single value",
                        "section.list: expected a single value",
                        "section.required: is missing");
    }

    @Test
    void listsHoldSingleValues() {
        YamlNode node =
                section(
                        """
                        section:
                          hosts: ["${HOST}", other]
                          empty: []
                          scalar: a
                          nested: [a, [b]]
                        """);

        assertThat(node.stringList("hosts", true)).containsExactly("db", "other");
        assertThat(node.stringList("empty", true)).isEmpty();
        assertThat(node.stringList("scalar", true)).isNull();
        assertThat(node.stringList("nested", true)).isNull();
        assertThat(node.stringList("absent", false)).isNull();
        assertThat(problems())
                .containsExactly(
                        "section.scalar: expected a list like [a, b]",
                        "section.nested: expected a list of single values");
    }

    @Test
    void durationsInFlinksNotation() {
        YamlNode node =
                section(
                        """
                        section:
                          ms: 500ms
                          min: 2min
                          bare: 250
                          reference: "${DELAY}"
                          negative: -1s
                          words: soon
                        """);
        Duration fallback = Duration.ofHours(1);

        assertThat(node.duration("ms", fallback)).isEqualTo(Duration.ofMillis(500));
        assertThat(node.duration("min", fallback)).isEqualTo(Duration.ofMinutes(2));
        assertThat(node.duration("bare", fallback)).isEqualTo(Duration.ofMillis(250));
        assertThat(node.duration("reference", fallback)).isEqualTo(Duration.ofSeconds(3));
        assertThat(node.duration("absent", fallback)).isEqualTo(fallback);
        // Flink's notation has no sign.
        assertThat(node.duration("negative", fallback)).isEqualTo(fallback);
        assertThat(node.duration("words", fallback)).isEqualTo(fallback);
        assertThat(problems())
                .containsExactly(
                        "section.negative: not a duration: '-1s' (use e.g. 500ms, 1s, 2min)",
                        "section.words: not a duration: 'soon' (use e.g. 500ms, 1s, 2min)");
    }

    @Test
    void wholeNumbersAndBooleansAreYamlTypesNotText() {
        YamlNode node =
                section(
                        """
                        section: { n: 5, zero: 0, text: "5", big: 10000000000, flag: true, word: yes please }
                        """);

        assertThat(node.wholeNumber("n", 1, 1)).isEqualTo(5);
        assertThat(node.wholeNumber("zero", 3, 0)).isZero();
        assertThat(node.wholeNumber("zero", 3, 1)).isEqualTo(3);
        assertThat(node.wholeNumber("text", 3, 1)).isEqualTo(3);
        assertThat(node.wholeNumber("big", 3, 1)).isEqualTo(3);
        assertThat(node.wholeNumber("absent", 3, 1)).isEqualTo(3);
        assertThat(node.bool("flag", false)).isTrue();
        assertThat(node.bool("word", false)).isFalse();
        assertThat(node.bool("absent", true)).isTrue();
        assertThat(problems())
                .containsExactly(
                        "section.zero: must be a whole number ≥ 1, got '0'",
                        "section.text: must be a whole number ≥ 1, got '5'",
                        "section.big: must be a whole number ≥ 1, got '10000000000'",
                        "section.word: must be true or false, got 'yes please'");
    }

    @Test
    void percentagesOrCounts() {
        YamlNode node =
                section(
                        """
                        section:
                          share: 5%
                          spaced: " 0.5 % "
                          all: 100%
                          count: 500
                          none: 0%
                          over: 101%
                          negative: -3
                          fraction: 2.5
                          words: many
                        """);

        assertThat(node.shareOrCount("share", "the rows"))
                .isEqualTo(new YamlNode.ShareOrCount(5.0, null));
        assertThat(node.shareOrCount("spaced", "the rows"))
                .isEqualTo(new YamlNode.ShareOrCount(0.5, null));
        assertThat(node.shareOrCount("all", "the rows"))
                .isEqualTo(new YamlNode.ShareOrCount(100.0, null));
        assertThat(node.shareOrCount("count", "the rows"))
                .isEqualTo(new YamlNode.ShareOrCount(null, 500));
        for (String bad : List.of("none", "over", "negative", "fraction", "words", "absent")) {
            assertThat(node.shareOrCount(bad, "the rows")).as(bad).isNull();
        }
        String rule = "must be a share of the rows above 0% and up to 100% (like 5%) or a positive";
        assertThat(problems())
                .containsExactly(
                        "section.none: " + rule + " number, got '0%'",
                        "section.over: " + rule + " number, got '101%'",
                        "section.negative: " + rule + " number, got '-3'",
                        "section.fraction: " + rule + " number, got '2.5'",
                        "section.words: " + rule + " number, got 'many'",
                        "section.absent: is required (a share like 5% or a number)");
    }

    @Test
    void identifiersAndEnumValues() {
        YamlNode node =
                section(
                        """
                        section:
                          table: bidisync_writes
                          injected: "t; DROP TABLE t"
                          deletes: PROPAGATE
                          write: [insert, upsert, delete]
                        """);

        assertThat(node.identifier("table", true)).isEqualTo("bidisync_writes");
        assertThat(node.identifier("injected", true)).isNull();
        assertThat(node.enumValue(DeletePolicy.class, "deletes", "PROPAGATE"))
                .isEqualTo(DeletePolicy.PROPAGATE);
        assertThat(node.enumValue(DeletePolicy.class, "deletes", "cascade")).isNull();
        assertThat(
                        node.enumSet(
                                WriteOperation.class,
                                "write",
                                EnumSet.noneOf(WriteOperation.class)))
                .containsExactlyInAnyOrder(WriteOperation.INSERT, WriteOperation.DELETE);
        assertThat(node.enumSet(WriteOperation.class, "absent", EnumSet.of(WriteOperation.UPDATE)))
                .containsExactly(WriteOperation.UPDATE);
        assertThat(problems())
                .containsExactly(
                        "section.injected: not a valid SQL identifier: 't; DROP TABLE t'",
                        "section.deletes: unknown value 'cascade' (use ignore, propagate)",
                        "section.write: unknown value 'upsert' (use insert, update, delete)");
    }

    @Test
    void referencesThatStayReferencesAreOnlyChecked() {
        YamlNode node =
                section(
                        """
                        section: { jaas: "user=${HOST} password=${PASSWORD} x=${GONE}" }
                        """);
        String text = (String) node.value("jaas");

        assertThat(node.references("jaas", text)).containsExactly("HOST", "PASSWORD", "GONE");
        assertThat(node.value("jaas")).isEqualTo("user=${HOST} password=${PASSWORD} x=${GONE}");
        assertThat(problems())
                .containsExactly("section.jaas: environment variable GONE is not set")
                .allSatisfy(line -> assertThat(line).doesNotContain("s3cret"));
    }
}
