package io.bidisync.udfs.normalize;

import java.util.List;

/**
 * Spellings of one key that must normalise alike, in Java and in every database's SQL: composed and
 * decomposed accents (NFC, NFD), and the letters whose lower case depends on a locale or on context
 * elsewhere (Turkish İ and ı, German ß and ẞ, Greek final sigma, Å and the Ångström sign, the
 * titlecase digraphs). Shared with the job's tests through udfs' test-jar.
 */
public final class KeySpellings {
    private KeySpellings() {}

    /** Groups of spellings; each group is one key. */
    public static final List<List<String>> SAME_KEY =
            List.of(
                    List.of(
                            "Jos\u00E9@Example.com",
                            "Jose\u0301@Example.com",
                            "JOS\u00C9@example.com",
                            "JOSE\u0301@EXAMPLE.COM"),
                    List.of(
                            "\u0130stanbul@x.tr",
                            "I\u0307stanbul@x.tr",
                            "ISTANBUL@x.tr",
                            "istanbul@x.tr"),
                    List.of("Stra\u00DFe@x.de", "STRA\u1E9EE@x.de", "stra\u00DFe@x.de"),
                    List.of(
                            "\u039F\u0394\u039F\u03A3@x.gr",
                            "\u03BF\u03B4\u03BF\u03C2@x.gr",
                            "\u03BF\u03B4\u03BF\u03C3@x.gr",
                            "\u039F\u03B4\u03BF\u03C2@x.gr"),
                    List.of("\u00C5se@x.no", "\u212Bse@x.no", "A\u030Ase@x.no", "\u00E5se@x.no"),
                    List.of("\u01C4ak@x", "\u01C5ak@x", "\u01C6ak@x"));
}
