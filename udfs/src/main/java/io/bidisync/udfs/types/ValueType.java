package io.bidisync.udfs.types;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;

/**
 * The type of an attribute's values, and each value's one canonical form.
 *
 * <p>Values travel through the job in their type's canonical form: a string that every equal value
 * of the type has and no other value has — {@code 12.50} and {@code 12.5000} are {@code 12.5}, a
 * MySQL {@code 1} and a PostgreSQL {@code t} are {@code true}, an instant is UTC to the
 * microsecond, a JSON document has its keys sorted. So comparing, hashing and echo detection stay
 * string operations and still compare by value; state stays compact. {@link #canonical} reads a
 * value from any representation the databases and Debezium give (Java objects or their text) and
 * {@link #toJava} gives the Java value a JDBC driver binds with the right SQL type.
 */
public enum ValueType {
    /** Text, kept exactly (whitespace, empty string ≠ null, any Unicode). */
    TEXT("text"),
    /** Whole numbers (smallint, int, bigint, and wider). */
    INTEGER("integer"),
    /** Exact numbers (numeric, decimal), compared by value whatever their scale. */
    DECIMAL("decimal"),
    /** Binary floating point (real, double precision), including NaN and ±Infinity. */
    DOUBLE("double"),
    BOOLEAN("boolean"),
    /** A calendar date; {@code infinity} and {@code -infinity} where the database has them. */
    DATE("date"),
    /** A time of day, to the microsecond. */
    TIME("time"),
    /** A date and time without time zone, to the microsecond. */
    TIMESTAMP("timestamp"),
    /** An instant, to the microsecond; canonical in UTC. Text without an offset is read as UTC. */
    TIMESTAMPTZ("timestamptz"),
    /** A duration of months, days and microseconds (PostgreSQL's interval), as ISO 8601. */
    INTERVAL("interval"),
    UUID("uuid"),
    /** A JSON document, compared as a document: key order and spacing do not matter. */
    JSON("json"),
    /** Bytes; canonical in Base64. */
    BYTES("bytes"),
    /** An array of text; canonical as a JSON array. */
    TEXT_ARRAY("text[]"),
    /** An array of whole numbers; canonical as a JSON array. */
    INTEGER_ARRAY("integer[]");

    private final String configName;

    ValueType(String configName) {
        this.configName = configName;
    }

    /** The type's name in the configuration ({@code types: { birth_date: date }}). */
    public String configName() {
        return configName;
    }

    /** The type with this configuration name, or {@code null} if there is none. */
    public static ValueType byName(String name) {
        for (ValueType t : values()) {
            if (t.configName.equals(name.toLowerCase(Locale.ROOT))) {
                return t;
            }
        }
        return null;
    }

    /**
     * The canonical form of a value of this type, read from a Java object (what a JDBC driver or
     * Debezium gives) or from its text; {@code null} for {@code null}.
     *
     * @throws IllegalArgumentException if the value is not one of this type, with the reason
     */
    public String canonical(Object value) {
        if (value == null) {
            return null;
        }
        return switch (this) {
            case TEXT ->
                    value instanceof byte[] b
                            ? new String(b, java.nio.charset.StandardCharsets.UTF_8)
                            : value.toString();
            case INTEGER -> integer(value);
            case DECIMAL -> decimal(value);
            case DOUBLE -> floating(value);
            case BOOLEAN -> bool(value);
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ, INTERVAL -> Temporals.canonical(this, value);
            case UUID -> uuid(value);
            case JSON -> JsonValues.canonical(value);
            case BYTES -> Base64.getEncoder().encodeToString(bytes(value));
            case TEXT_ARRAY, INTEGER_ARRAY -> JsonValues.array(this == INTEGER_ARRAY, value);
        };
    }

    /**
     * The Java value a JDBC driver binds for a canonical form: {@code Long}, {@code BigDecimal},
     * {@code Double}, {@code Boolean}, {@code java.time} types ({@code LocalDate.MAX} and {@code
     * MIN} for ±infinity, likewise for timestamps), {@code java.util.UUID}, {@code byte[]}, {@code
     * String[]} or {@code Long[]} for arrays; the canonical text for text, interval and JSON.
     */
    public Object toJava(String canonical) {
        if (canonical == null) {
            return null;
        }
        return switch (this) {
            case TEXT, JSON, INTERVAL -> canonical;
            case INTEGER -> {
                BigInteger i = new BigInteger(canonical);
                yield i.bitLength() < 64 ? (Object) i.longValue() : new BigDecimal(i);
            }
            case DECIMAL -> isSpecial(canonical) ? canonical : new BigDecimal(canonical);
            case DOUBLE -> Double.valueOf(canonical);
            case BOOLEAN -> Boolean.valueOf(canonical);
            case DATE, TIME, TIMESTAMP, TIMESTAMPTZ -> Temporals.toJava(this, canonical);
            case UUID -> java.util.UUID.fromString(canonical);
            case BYTES -> Base64.getDecoder().decode(canonical);
            case TEXT_ARRAY, INTEGER_ARRAY -> JsonValues.toArray(this == INTEGER_ARRAY, canonical);
        };
    }

    /**
     * Whether a column whose own type is this one holds every value of {@code attribute} and gives
     * it back unchanged: its own type; any type in a text column (as its canonical text); whole
     * numbers in a decimal column; booleans in an integer column (MySQL's {@code tinyint(1)});
     * instants in a timestamp column (as UTC); UUIDs in a byte column (MySQL's {@code binary(16)});
     * arrays in a JSON column.
     */
    public boolean holds(ValueType attribute) {
        return this == attribute
                || this == TEXT
                || (this == DECIMAL && attribute == INTEGER)
                || (this == INTEGER && attribute == BOOLEAN)
                || (this == TIMESTAMP && attribute == TIMESTAMPTZ)
                || (this == BYTES && attribute == UUID)
                || (this == JSON && (attribute == TEXT_ARRAY || attribute == INTEGER_ARRAY));
    }

    /**
     * The value as JSON, typed: numbers as numbers (NaN and ±Infinity, which JSON has not, as
     * text), booleans as booleans, JSON documents and arrays embedded, everything else as its
     * canonical text; {@code null} as JSON null.
     */
    public com.fasterxml.jackson.databind.JsonNode toJson(String canonical) {
        return JsonValues.node(this, canonical);
    }

    private static String integer(Object value) {
        if (value instanceof Long
                || value instanceof Integer
                || value instanceof Short
                || value instanceof Byte) {
            return value.toString();
        }
        if (value instanceof Boolean b) {
            return b ? "1" : "0";
        }
        BigDecimal d = number(value, "a whole number");
        try {
            return d.toBigIntegerExact().toString();
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException("not a whole number: '" + value + "'");
        }
    }

    private static String decimal(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            if (Double.isNaN(d) || Double.isInfinite(d)) {
                return special(Double.toString(d));
            }
        } else if (value instanceof CharSequence s && isSpecialText(s.toString())) {
            return special(s.toString());
        }
        BigDecimal d = number(value, "a number").stripTrailingZeros();
        return d.signum() == 0 ? "0" : d.toPlainString();
    }

    private static BigDecimal number(Object value, String what) {
        if (value instanceof BigDecimal d) {
            return d;
        }
        if (value instanceof BigInteger i) {
            return new BigDecimal(i);
        }
        if (value instanceof Double || value instanceof Float) {
            return new BigDecimal(value.toString());
        }
        if (value instanceof Number n) {
            return BigDecimal.valueOf(n.longValue());
        }
        try {
            return new BigDecimal(value.toString().trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not " + what + ": '" + value + "'");
        }
    }

    private static boolean isSpecialText(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        return t.equals("nan")
                || t.equals("infinity")
                || t.equals("+infinity")
                || t.equals("-infinity")
                || t.equals("inf")
                || t.equals("+inf")
                || t.equals("-inf");
    }

    private static boolean isSpecial(String canonical) {
        return canonical.equals("NaN")
                || canonical.equals("Infinity")
                || canonical.equals("-Infinity");
    }

    /** NaN, Infinity or -Infinity, spelt as Java and PostgreSQL print them. */
    private static String special(String s) {
        String t = s.trim().toLowerCase(Locale.ROOT);
        if (t.equals("nan")) {
            return "NaN";
        }
        return t.startsWith("-") ? "-Infinity" : "Infinity";
    }

    private static String floating(Object value) {
        double d;
        if (value instanceof Float f) {
            // Through its shortest decimal text: 0.1f is 0.1, as a real column prints it.
            d = Double.parseDouble(f.toString());
        } else if (value instanceof Number n) {
            d = n.doubleValue();
        } else {
            String s = value.toString().trim();
            if (isSpecialText(s)) {
                return special(s);
            }
            try {
                d = Double.parseDouble(s);
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("not a floating-point number: '" + value + "'");
            }
        }
        return Double.toString(d);
    }

    private static String bool(Object value) {
        if (value instanceof Boolean b) {
            return b.toString();
        }
        if (value instanceof Number n) {
            return n.longValue() == 0 ? "false" : "true";
        }
        if (value instanceof byte[] b && b.length == 1) {
            return b[0] == 0 ? "false" : "true";
        }
        return switch (value.toString().trim().toLowerCase(Locale.ROOT)) {
            case "t", "true", "1", "y", "yes", "on" -> "true";
            case "f", "false", "0", "n", "no", "off" -> "false";
            default -> throw new IllegalArgumentException("not a boolean: '" + value + "'");
        };
    }

    private static String uuid(Object value) {
        if (value instanceof java.util.UUID u) {
            return u.toString();
        }
        if (value instanceof byte[] b) {
            if (b.length != 16) {
                throw new IllegalArgumentException("not a UUID: " + b.length + " bytes");
            }
            return uuidOfHex(HexFormat.of().formatHex(b));
        }
        String s = value.toString().trim();
        if (s.startsWith("{") && s.endsWith("}")) {
            s = s.substring(1, s.length() - 1);
        }
        if (!s.matches("(?i)[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")) {
            throw new IllegalArgumentException("not a UUID: '" + value + "'");
        }
        return uuidOfHex(s.replace("-", "").toLowerCase(Locale.ROOT));
    }

    private static String uuidOfHex(String hex) {
        return hex.substring(0, 8)
                + "-"
                + hex.substring(8, 12)
                + "-"
                + hex.substring(12, 16)
                + "-"
                + hex.substring(16, 20)
                + "-"
                + hex.substring(20);
    }

    /** Bytes from a byte array, PostgreSQL's hex text ({@code \x0102}) or Base64 text. */
    private static byte[] bytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
        String s = value.toString();
        try {
            if (s.startsWith("\\x")) {
                return HexFormat.of().parseHex(s.substring(2));
            }
            return Base64.getDecoder().decode(s);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not bytes (Base64 or \\x hex): '" + s + "'");
        }
    }
}
