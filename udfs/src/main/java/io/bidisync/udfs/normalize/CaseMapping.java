package io.bidisync.udfs.normalize;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How the normalisers that ignore case ({@link Normalizer#EMAIL}, {@link Normalizer#LOWER}) map
 * letters: a fixed table, the same in Java and in the SQL of every database the job writes to,
 * whatever their version, locale or collation.
 *
 * <p>The table is Unicode 5.2's simple lower-case mapping (one code point to one, without context:
 * {@code İ} → {@code i}, {@code Σ} → {@code σ}, {@code ẞ} → {@code ß}), plus final sigma {@code ς}
 * → {@code σ}, so that a Greek word has one key however its last sigma is written. Unicode 5.2,
 * because it is the case mapping of {@code utf8mb4_unicode_520_ci}, the newest that MySQL 8 and
 * MariaDB both have, whose {@code LOWER} the MySQL dialect uses; PostgreSQL applies the table
 * itself ({@code translate}), so neither its locale nor its ICU version matters. Frozen, so that a
 * newer JDK does not change keys either. Letters whose lower case Unicode added later (Cherokee,
 * Georgian Mtavruli, some Latin additions) stay as they are. Deliberately not: Turkish {@code I} →
 * {@code ı} (a locale's rule), {@code ß} → {@code ss} (a different spelling, not another case).
 */
public final class CaseMapping {
    /**
     * Runs of code points with the same mapping: first, last, step (every code point, or every
     * other), and what is added to each.
     */
    private static final int[][] RUNS = {
        {0x0041, 0x005A, 1, 32},
        {0x00C0, 0x00D6, 1, 32},
        {0x00D8, 0x00DE, 1, 32},
        {0x0100, 0x012E, 2, 1},
        {0x0130, 0x0130, 1, -199},
        {0x0132, 0x0136, 2, 1},
        {0x0139, 0x0147, 2, 1},
        {0x014A, 0x0176, 2, 1},
        {0x0178, 0x0178, 1, -121},
        {0x0179, 0x017D, 2, 1},
        {0x0181, 0x0181, 1, 210},
        {0x0182, 0x0184, 2, 1},
        {0x0186, 0x0186, 1, 206},
        {0x0187, 0x0187, 1, 1},
        {0x0189, 0x018A, 1, 205},
        {0x018B, 0x018B, 1, 1},
        {0x018E, 0x018E, 1, 79},
        {0x018F, 0x018F, 1, 202},
        {0x0190, 0x0190, 1, 203},
        {0x0191, 0x0191, 1, 1},
        {0x0193, 0x0193, 1, 205},
        {0x0194, 0x0194, 1, 207},
        {0x0196, 0x0196, 1, 211},
        {0x0197, 0x0197, 1, 209},
        {0x0198, 0x0198, 1, 1},
        {0x019C, 0x019C, 1, 211},
        {0x019D, 0x019D, 1, 213},
        {0x019F, 0x019F, 1, 214},
        {0x01A0, 0x01A4, 2, 1},
        {0x01A6, 0x01A6, 1, 218},
        {0x01A7, 0x01A7, 1, 1},
        {0x01A9, 0x01A9, 1, 218},
        {0x01AC, 0x01AC, 1, 1},
        {0x01AE, 0x01AE, 1, 218},
        {0x01AF, 0x01AF, 1, 1},
        {0x01B1, 0x01B2, 1, 217},
        {0x01B3, 0x01B5, 2, 1},
        {0x01B7, 0x01B7, 1, 219},
        {0x01B8, 0x01B8, 1, 1},
        {0x01BC, 0x01BC, 1, 1},
        {0x01C4, 0x01C4, 1, 2},
        {0x01C5, 0x01C5, 1, 1},
        {0x01C7, 0x01C7, 1, 2},
        {0x01C8, 0x01C8, 1, 1},
        {0x01CA, 0x01CA, 1, 2},
        {0x01CB, 0x01DB, 2, 1},
        {0x01DE, 0x01EE, 2, 1},
        {0x01F1, 0x01F1, 1, 2},
        {0x01F2, 0x01F4, 2, 1},
        {0x01F6, 0x01F6, 1, -97},
        {0x01F7, 0x01F7, 1, -56},
        {0x01F8, 0x021E, 2, 1},
        {0x0220, 0x0220, 1, -130},
        {0x0222, 0x0232, 2, 1},
        {0x023A, 0x023A, 1, 10795},
        {0x023B, 0x023B, 1, 1},
        {0x023D, 0x023D, 1, -163},
        {0x023E, 0x023E, 1, 10792},
        {0x0241, 0x0241, 1, 1},
        {0x0243, 0x0243, 1, -195},
        {0x0244, 0x0244, 1, 69},
        {0x0245, 0x0245, 1, 71},
        {0x0246, 0x024E, 2, 1},
        {0x0370, 0x0372, 2, 1},
        {0x0376, 0x0376, 1, 1},
        {0x0386, 0x0386, 1, 38},
        {0x0388, 0x038A, 1, 37},
        {0x038C, 0x038C, 1, 64},
        {0x038E, 0x038F, 1, 63},
        {0x0391, 0x03A1, 1, 32},
        {0x03A3, 0x03AB, 1, 32},
        {0x03CF, 0x03CF, 1, 8},
        {0x03D8, 0x03EE, 2, 1},
        {0x03F4, 0x03F4, 1, -60},
        {0x03F7, 0x03F7, 1, 1},
        {0x03F9, 0x03F9, 1, -7},
        {0x03FA, 0x03FA, 1, 1},
        {0x03FD, 0x03FF, 1, -130},
        {0x0400, 0x040F, 1, 80},
        {0x0410, 0x042F, 1, 32},
        {0x0460, 0x0480, 2, 1},
        {0x048A, 0x04BE, 2, 1},
        {0x04C0, 0x04C0, 1, 15},
        {0x04C1, 0x04CD, 2, 1},
        {0x04D0, 0x0524, 2, 1},
        {0x0531, 0x0556, 1, 48},
        {0x10A0, 0x10C5, 1, 7264},
        {0x1E00, 0x1E94, 2, 1},
        {0x1E9E, 0x1E9E, 1, -7615},
        {0x1EA0, 0x1EFE, 2, 1},
        {0x1F08, 0x1F0F, 1, -8},
        {0x1F18, 0x1F1D, 1, -8},
        {0x1F28, 0x1F2F, 1, -8},
        {0x1F38, 0x1F3F, 1, -8},
        {0x1F48, 0x1F4D, 1, -8},
        {0x1F59, 0x1F5F, 2, -8},
        {0x1F68, 0x1F6F, 1, -8},
        {0x1F88, 0x1F8F, 1, -8},
        {0x1F98, 0x1F9F, 1, -8},
        {0x1FA8, 0x1FAF, 1, -8},
        {0x1FB8, 0x1FB9, 1, -8},
        {0x1FBA, 0x1FBB, 1, -74},
        {0x1FBC, 0x1FBC, 1, -9},
        {0x1FC8, 0x1FCB, 1, -86},
        {0x1FCC, 0x1FCC, 1, -9},
        {0x1FD8, 0x1FD9, 1, -8},
        {0x1FDA, 0x1FDB, 1, -100},
        {0x1FE8, 0x1FE9, 1, -8},
        {0x1FEA, 0x1FEB, 1, -112},
        {0x1FEC, 0x1FEC, 1, -7},
        {0x1FF8, 0x1FF9, 1, -128},
        {0x1FFA, 0x1FFB, 1, -126},
        {0x1FFC, 0x1FFC, 1, -9},
        {0x2126, 0x2126, 1, -7517},
        {0x212A, 0x212A, 1, -8383},
        {0x212B, 0x212B, 1, -8262},
        {0x2132, 0x2132, 1, 28},
        {0x2160, 0x216F, 1, 16},
        {0x2183, 0x2183, 1, 1},
        {0x24B6, 0x24CF, 1, 26},
        {0x2C00, 0x2C2E, 1, 48},
        {0x2C60, 0x2C60, 1, 1},
        {0x2C62, 0x2C62, 1, -10743},
        {0x2C63, 0x2C63, 1, -3814},
        {0x2C64, 0x2C64, 1, -10727},
        {0x2C67, 0x2C6B, 2, 1},
        {0x2C6D, 0x2C6D, 1, -10780},
        {0x2C6E, 0x2C6E, 1, -10749},
        {0x2C6F, 0x2C6F, 1, -10783},
        {0x2C70, 0x2C70, 1, -10782},
        {0x2C72, 0x2C72, 1, 1},
        {0x2C75, 0x2C75, 1, 1},
        {0x2C7E, 0x2C7F, 1, -10815},
        {0x2C80, 0x2CE2, 2, 1},
        {0x2CEB, 0x2CED, 2, 1},
        {0xA640, 0xA65E, 2, 1},
        {0xA662, 0xA66C, 2, 1},
        {0xA680, 0xA696, 2, 1},
        {0xA722, 0xA72E, 2, 1},
        {0xA732, 0xA76E, 2, 1},
        {0xA779, 0xA77B, 2, 1},
        {0xA77D, 0xA77D, 1, -35332},
        {0xA77E, 0xA786, 2, 1},
        {0xA78B, 0xA78B, 1, 1},
        {0xFF21, 0xFF3A, 1, 32},
        {0x10400, 0x10427, 1, 40}
    };

    /** Mappings beyond simple lower-casing, as code point pairs. */
    private static final int[][] EXTRA = {{0x03C2, 0x03C3}};

    private static final int[] FIRSTS = Arrays.stream(RUNS).mapToInt(run -> run[0]).toArray();

    private static final String SOURCES;
    private static final String TARGETS;

    static {
        StringBuilder sources = new StringBuilder();
        StringBuilder targets = new StringBuilder();
        for (int[] run : RUNS) {
            for (int c = run[0]; c <= run[1]; c += run[2]) {
                sources.appendCodePoint(c);
                targets.appendCodePoint(c + run[3]);
            }
        }
        for (int[] pair : EXTRA) {
            sources.appendCodePoint(pair[0]);
            targets.appendCodePoint(pair[1]);
        }
        SOURCES = sources.toString();
        TARGETS = targets.toString();
    }

    private CaseMapping() {}

    /** The code point as the table maps it (most map to themselves). */
    public static int map(int codePoint) {
        if (codePoint < 0x80) {
            return codePoint >= 'A' && codePoint <= 'Z' ? codePoint + 32 : codePoint;
        }
        for (int[] pair : EXTRA) {
            if (pair[0] == codePoint) {
                return pair[1];
            }
        }
        int i = Arrays.binarySearch(FIRSTS, codePoint);
        int[] run = RUNS[i >= 0 ? i : Math.max(0, -i - 2)];
        boolean inRun =
                codePoint >= run[0] && codePoint <= run[1] && (codePoint - run[0]) % run[2] == 0;
        return inRun ? codePoint + run[3] : codePoint;
    }

    /** The text with every code point mapped. */
    public static String apply(String text) {
        StringBuilder mapped = null;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            int m = map(c);
            if (m != c && mapped == null) {
                mapped = new StringBuilder(text.length()).append(text, 0, i);
            }
            if (mapped != null) {
                mapped.appendCodePoint(m);
            }
            i += Character.charCount(c);
        }
        return mapped == null ? text : mapped.toString();
    }

    /** Every code point the table changes, in one string: for SQL's {@code translate}. */
    public static String sources() {
        return SOURCES;
    }

    /** What each code point of {@link #sources()} becomes, in the same order. */
    public static String targets() {
        return TARGETS;
    }

    /**
     * The mappings beyond Unicode 5.2's simple lower case (final sigma), for SQL that lower-cases
     * with its own function and then has to add them.
     */
    public static Map<String, String> beyondSimpleLowerCase() {
        Map<String, String> extra = new LinkedHashMap<>();
        for (int[] pair : EXTRA) {
            extra.put(Character.toString(pair[0]), Character.toString(pair[1]));
        }
        return Collections.unmodifiableMap(extra);
    }
}
