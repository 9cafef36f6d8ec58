package io.bidisync.udfs.normalize;

/**
 * Turns a raw value into the form used to compare it: for match keys (which records describe the
 * same entity) and for echo and change detection (is a value the same as the one we wrote).
 *
 * <p>Every normaliser first brings the value into Unicode NFC, so an accent written as one code
 * point or as a letter plus a combining mark makes no difference, then applies its rule. The rules
 * that ignore case map letters by {@link CaseMapping}, a fixed table, not by a locale.
 *
 * <p>Every normaliser has an exact SQL twin in the writer's dialect, because the duplicate guard of
 * a conditional INSERT compares the normalised key inside the target database. The two forms must
 * agree, so the Java side sticks to operations SQL can express identically: it removes only the
 * ASCII whitespace {@value #WHITESPACE_CHARS} (not the wider Unicode set), keeps only ASCII digits,
 * and maps case by a table each database can apply.
 *
 * <p>A value that normalises to the empty string normalises to {@code null}: blank values never
 * match anything.
 */
public enum Normalizer {
    /**
     * Lower case ({@link CaseMapping}), every whitespace character removed: {@code "
     * Ann.Lee @Example.COM"} → {@code ann.lee@example.com}.
     */
    EMAIL("email"),
    /**
     * Digits only, a leading {@code +} becomes {@code 00}: {@code "+47 22 33-44"} → {@code
     * 0047223344}.
     */
    PHONE("phone"),
    /** Digits only: {@code "NO 912 345 678 MVA"} → {@code 912345678}. */
    DIGITS("digits"),
    /** Lower case ({@link CaseMapping}), leading and trailing whitespace removed. */
    LOWER("lower"),
    /** Leading and trailing whitespace removed. */
    TRIM("trim"),
    /** The value as it is (in NFC); only a blank value becomes {@code null}. */
    NONE("none");

    /** The whitespace characters the normalisers remove; the SQL forms use the same set. */
    public static final String WHITESPACE_CHARS = " \t\n\r\f";

    private final String configName;

    Normalizer(String configName) {
        this.configName = configName;
    }

    /** The name used in configuration files. */
    public String configName() {
        return configName;
    }

    /** The normaliser with this configuration name, or {@code null} if there is none. */
    public static Normalizer byName(String name) {
        for (Normalizer n : values()) {
            if (n.configName.equals(name)) {
                return n;
            }
        }
        return null;
    }

    /** Normalises a value; {@code null} when the value is {@code null} or normalises to empty. */
    public String normalize(String raw) {
        if (raw == null) {
            return null;
        }
        String nfc = nfc(raw);
        String result =
                switch (this) {
                    case EMAIL -> CaseMapping.apply(removeWhitespace(nfc));
                    case PHONE -> digitsOnly(leadingPlusAsZeros(trim(nfc)));
                    case DIGITS -> digitsOnly(nfc);
                    case LOWER -> CaseMapping.apply(trim(nfc));
                    case TRIM -> trim(nfc);
                    case NONE -> trim(nfc).isEmpty() ? "" : nfc;
                };
        return result.isEmpty() ? null : result;
    }

    /** The text in Unicode NFC; text below U+0300 (no combining marks) is already. */
    static String nfc(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= '\u0300') {
                return java.text.Normalizer.normalize(s, java.text.Normalizer.Form.NFC);
            }
        }
        return s;
    }

    private static boolean isWhitespace(char c) {
        return WHITESPACE_CHARS.indexOf(c) >= 0;
    }

    static String trim(String s) {
        int start = 0;
        int end = s.length();
        while (start < end && isWhitespace(s.charAt(start))) {
            start++;
        }
        while (end > start && isWhitespace(s.charAt(end - 1))) {
            end--;
        }
        return s.substring(start, end);
    }

    private static String removeWhitespace(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!isWhitespace(c)) {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String digitsOnly(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                sb.append(c);
            }
        }
        return sb.toString();
    }

    private static String leadingPlusAsZeros(String s) {
        return s.startsWith("+") ? "00" + s.substring(1) : s;
    }
}
