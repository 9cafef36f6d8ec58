package io.bidisync.udfs.normalize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NormalizerTest {

    @ParameterizedTest
    @EnumSource(Normalizer.class)
    void nullAndBlankNeverMatch(Normalizer normalizer) {
        assertThat(normalizer.normalize(null)).isNull();
        assertThat(normalizer.normalize("")).isNull();
        assertThat(normalizer.normalize(" \t\r\n")).isNull();
    }

    @ParameterizedTest
    @EnumSource(Normalizer.class)
    void configNameRoundTrips(Normalizer normalizer) {
        assertThat(Normalizer.byName(normalizer.configName())).isSameAs(normalizer);
    }

    @Test
    void unknownNameIsNull() {
        assertThat(Normalizer.byName("EMAIL")).isNull();
        assertThat(Normalizer.byName("soundex")).isNull();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "Ann.Lee@Example.COM|ann.lee@example.com",
                "'  ann.lee@example.com  '|ann.lee@example.com",
                "'ann. lee @ example.com'|ann.lee@example.com",
                "'ÅSE@Nordmann.NO'|åse@nordmann.no",
            })
    void emailIgnoresCaseAndWhitespace(String raw, String expected) {
        assertThat(Normalizer.EMAIL.normalize(raw)).isEqualTo(expected);
    }

    @Test
    void emailKeepsNonBreakingSpaceBecauseSqlCannotRemoveItTheSameWay() {
        assertThat(Normalizer.EMAIL.normalize("a\u00A0b@x.no")).isEqualTo("a\u00A0b@x.no");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "+47 22 33 44 55|004722334455",
                "'  +47-22-33-44-55'|004722334455",
                "(022) 334-455|022334455",
                "04 22718532|0422718532",
                "n/a|",
            })
    void phoneKeepsDigitsAndInternationalPrefix(String raw, String expected) {
        assertThat(Normalizer.PHONE.normalize(raw)).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "NO 912 345 678 MVA|912345678",
                "+47 22|4722",
                "١٢٣|",
                "abc|",
            })
    void digitsKeepsAsciiDigitsOnly(String raw, String expected) {
        assertThat(Normalizer.DIGITS.normalize(raw)).isEqualTo(expected);
    }

    @Test
    void lowerTrimsAndLowercasesButKeepsInnerSpaces() {
        assertThat(Normalizer.LOWER.normalize("  Oslo  Sentrum ")).isEqualTo("oslo  sentrum");
        assertThat(Normalizer.LOWER.normalize("ÆØÅ")).isEqualTo("æøå");
    }

    @Test
    void trimKeepsCase() {
        assertThat(Normalizer.TRIM.normalize("\t Bergen \n")).isEqualTo("Bergen");
    }

    @Test
    void noneKeepsValueAsItIs() {
        assertThat(Normalizer.NONE.normalize(" Bergen ")).isEqualTo(" Bergen ");
    }

    static final List<List<String>> SAME_KEY = KeySpellings.SAME_KEY;

    /** Spellings that stay apart from those above: other letters, not other spellings. */
    static final List<String> OTHER_KEYS =
            List.of("jose@example.com", "\u0131stanbul@x.tr", "strasse@x.de", "ase@x.no");

    @ParameterizedTest
    @EnumSource(Normalizer.class)
    void composedAndDecomposedSpellingsAreOneKey(Normalizer normalizer) {
        for (List<String> spellings : SAME_KEY) {
            for (String spelling : spellings) {
                String nfc =
                        java.text.Normalizer.normalize(spelling, java.text.Normalizer.Form.NFC);
                String nfd =
                        java.text.Normalizer.normalize(spelling, java.text.Normalizer.Form.NFD);
                assertThat(normalizer.normalize(nfd))
                        .as("%s of %s", normalizer, spelling)
                        .isEqualTo(normalizer.normalize(nfc));
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Normalizer.class,
            names = {"EMAIL", "LOWER"})
    void caseInsensitiveNormalisersMakeEverySpellingOneKey(Normalizer normalizer) {
        List<String> keys = new ArrayList<>();
        for (List<String> spellings : SAME_KEY) {
            String key = normalizer.normalize(spellings.get(0));
            for (String spelling : spellings) {
                assertThat(normalizer.normalize(spelling))
                        .as("%s of %s", normalizer, spelling)
                        .isEqualTo(key);
            }
            keys.add(key);
        }
        for (String other : OTHER_KEYS) {
            assertThat(keys).doesNotContain(normalizer.normalize(other));
        }
    }

    @Test
    void comparisonUsesPerAttributeNormalizer() {
        ValueComparison comparison =
                new ValueComparison(new Normalizer[] {Normalizer.LOWER, Normalizer.TRIM});
        assertThat(comparison.same(0, "OSLO", " oslo")).isTrue();
        assertThat(comparison.same(1, "OSLO", " oslo")).isFalse();
        assertThat(comparison.same(1, null, "  ")).isTrue();
        assertThat(
                        comparison.sameAll(
                                new String[] {"OSLO", "x"},
                                new String[] {"oslo", "y"},
                                new boolean[] {true, false}))
                .isTrue();
    }
}
