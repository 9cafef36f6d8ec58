package io.bidisync.udfs.normalize;

import java.util.Locale;

/**
 * Turns a raw value into the form used to compare it: for match keys (which records describe the
 * same entity) and for echo and change detection (is a value the same as the one we wrote).
 *
 * <p>Every normaliser has an exact SQL twin in the writer's dialect, because the duplicate guard of
 * a conditional INSERT compares the normalised key inside the target database. The two forms must
 * agree, so the Java side sticks to operations SQL can express identically: it removes only the
 * ASCII whitespace {@value #WHITESPACE_CHARS} (not the wider Unicode set), and keeps only ASCII
 * digits.
 *
 * <p>A value that normalises to the empty string normalises to {@code null}: blank values never
 * match anything.
 */
public enum Normalizer {
    /**
     * Lower case, every whitespace character removed: {@code " Ann.Lee @Example.COM"} → {@code
     * ann.lee@example.com}.
     */
    EMAIL("email"),
    /**
     * Digits only, a leading {@code +} becomes {@code 00}: {@code "+47 22 33-44"} → {@code
     * 0047223344}.
     */
    PHONE("phone"),
    /** Digits only: {@code "NO 912 345 678 MVA"} → {@code 912345678}. */
    DIGITS("digits"),
    /** Lower case, leading and trailing whitespace removed. */
    LOWER("lower"),
    /** Leading and trailing whitespace removed. */
    TRIM("trim"),
    /** The value as it is; only a blank value becomes {@code null}. */
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
        String result =
                switch (this) {
                    case EMAIL -> removeWhitespace(raw).toLowerCase(Locale.ROOT);
                    case PHONE -> digitsOnly(leadingPlusAsZeros(trim(raw)));
                    case DIGITS -> digitsOnly(raw);
                    case LOWER -> trim(raw).toLowerCase(Locale.ROOT);
                    case TRIM -> trim(raw);
                    case NONE -> trim(raw).isEmpty() ? "" : raw;
                };
        return result.isEmpty() ? null : result;
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
