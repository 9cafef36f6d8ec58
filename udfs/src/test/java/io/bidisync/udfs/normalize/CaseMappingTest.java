package io.bidisync.udfs.normalize;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class CaseMappingTest {

    @ParameterizedTest
    @CsvSource({
        // Turkish: the dotted capital I is an i; the dotless ı is a letter of its own.
        "0130, 0069",
        "0049, 0069",
        "0131, 0131",
        "0069, 0069",
        // German: capital sharp s; ß stays (ss is another spelling).
        "1E9E, 00DF",
        "00DF, 00DF",
        // Greek: every sigma is σ, final or not.
        "03A3, 03C3",
        "03C2, 03C3",
        "03C3, 03C3",
        // Titlecase digraph, letter-like symbols, supplementary plane (Deseret).
        "01C5, 01C6",
        "212B, 00E5",
        "212A, 006B",
        "10400, 10428",
        // Lower case added after Unicode 5.2 (Cherokee 8.0, Georgian Mtavruli 11.0): kept.
        "13A0, 13A0",
        "1C90, 1C90",
    })
    void mapsByTheTable(String from, String to) {
        assertThat(Integer.toHexString(CaseMapping.map(Integer.parseInt(from, 16))))
                .isEqualTo(Integer.toHexString(Integer.parseInt(to, 16)));
    }

    /**
     * The table is a part of Java's simple lower case (which follows a newer Unicode), plus final
     * sigma; sources and targets pair up code point by code point.
     */
    @Test
    void theTableIsUnicodesSimpleLowerCasePlusFinalSigma() {
        int[] sources = CaseMapping.sources().codePoints().toArray();
        int[] targets = CaseMapping.targets().codePoints().toArray();
        assertThat(sources).hasSameSizeAs(targets).hasSize(1030);
        for (int i = 0; i < sources.length; i++) {
            int expected = sources[i] == 0x03C2 ? 0x03C3 : Character.toLowerCase(sources[i]);
            assertThat(targets[i]).as("U+%04X", sources[i]).isEqualTo(expected);
            assertThat(CaseMapping.map(sources[i])).isEqualTo(targets[i]);
        }
        int mapped = 0;
        for (int c = 0; c <= Character.MAX_CODE_POINT; c++) {
            if (CaseMapping.map(c) != c) {
                mapped++;
            }
        }
        assertThat(mapped).isEqualTo(sources.length);
        assertThat(CaseMapping.beyondSimpleLowerCase()).containsExactly(entry("ς", "σ"));
    }

    @Test
    void appliesToEveryCodePoint() {
        assertThat(CaseMapping.apply("ΟΔΟΣ İSTANBUL 𐐀x")).isEqualTo("οδοσ istanbul 𐐨x");
        String unchanged = "already lower: åse";
        assertThat(CaseMapping.apply(unchanged)).isSameAs(unchanged);
    }

    private static java.util.Map.Entry<String, String> entry(String key, String value) {
        return java.util.Map.entry(key, value);
    }
}
