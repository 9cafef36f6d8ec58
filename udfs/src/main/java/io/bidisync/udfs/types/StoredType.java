package io.bidisync.udfs.types;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/**
 * What a column stores: the value type its own type holds, and its limits — at most {@code length}
 * characters, {@code scale} decimal places, {@code fraction} digits of a second ({@code -1}: no
 * limit).
 *
 * <p>A column whose stored type cannot hold every value of its attribute that the other systems'
 * columns hold loses something on the way in: a {@code date} column keeps the day of an instant, a
 * {@code varchar(20)} the first 20 characters, a {@code numeric(12,2)} two decimals. Such a mapping
 * must be marked lossy; the job then writes each value as the column {@linkplain #write stores it},
 * and compares values for that system as {@linkplain #narrow they come back}, so the cut value is
 * never taken for a change and never written again and again.
 *
 * @param type the value type the column's own type holds; {@code null} when not read yet ({@link
 *     #UNREAD}: every value is taken as it is)
 */
public record StoredType(ValueType type, int length, int scale, int fraction)
        implements Serializable {

    /** A lossy mapping whose column has not been read: values pass unchanged. */
    public static final StoredType UNREAD = new StoredType(null, -1, -1, -1);

    /** A column of this value type without limits. */
    public static StoredType of(ValueType type) {
        return new StoredType(type, -1, -1, -1);
    }

    /**
     * Whether the column holds every value of {@code attribute} that the other columns mapped to it
     * hold, and gives it back unchanged — or would silently change some: a type that does not hold
     * the attribute's values, fewer decimal places, fewer digits of a second (both databases round
     * those without a word). A shorter length is not counted: a value too long for the column is
     * refused by the database, not cut (see {@link #shorterThan}).
     */
    public boolean holdsAll(ValueType attribute, Collection<StoredType> others) {
        if (type == null) {
            return true;
        }
        if (!type.holds(attribute)) {
            return false;
        }
        for (StoredType other : others) {
            if ((attribute == ValueType.DECIMAL && narrower(scale, other.scale))
                    || (isTemporal(attribute) && narrower(fraction, other.fraction))) {
                return false;
            }
        }
        return true;
    }

    /** Whether the column holds fewer characters than one of the others. */
    public boolean shorterThan(Collection<StoredType> others) {
        return others.stream().anyMatch(other -> narrower(length, other.length));
    }

    /**
     * Whether the job can write {@code attribute}'s values into such a column and read them back as
     * the attribute's values: same type with limits; an instant or a timestamp into a date; a
     * decimal or a double into an integer; between decimal and double; any type into a text column;
     * text into any column (a text that is not a value of the column's type is a dead letter).
     */
    public boolean canNarrow(ValueType attribute) {
        if (type == null || type == attribute || type == ValueType.TEXT) {
            return true;
        }
        return switch (attribute) {
            case TIMESTAMPTZ, TIMESTAMP -> type == ValueType.DATE || type.holds(attribute);
            case DECIMAL -> type == ValueType.INTEGER || type == ValueType.DOUBLE;
            case DOUBLE -> type == ValueType.INTEGER || type == ValueType.DECIMAL;
            case TEXT -> true;
            default -> type.holds(attribute);
        };
    }

    /**
     * The value of {@code attribute} as this column stores it, canonical for the column's {@link
     * #type}.
     *
     * @throws IllegalArgumentException if the column cannot store it (text that is no number, NaN
     *     in an integer)
     */
    public String write(ValueType attribute, String value) {
        if (value == null || type == null) {
            return value;
        }
        return limit(convert(attribute, value));
    }

    /**
     * A value this column gave, canonical for its {@link #type}, as a value of {@code attribute}.
     */
    public String read(ValueType attribute, String stored) {
        if (stored == null || type == null || type == attribute) {
            return stored;
        }
        if (attribute == ValueType.TEXT) {
            return stored;
        }
        if (type == ValueType.DATE
                && (attribute == ValueType.TIMESTAMP || attribute == ValueType.TIMESTAMPTZ)) {
            if (stored.equals(Temporals.INFINITY) || stored.equals(Temporals.MINUS_INFINITY)) {
                return stored;
            }
            LocalDateTime midnight = LocalDate.parse(stored).atStartOfDay();
            return attribute == ValueType.TIMESTAMP
                    ? Temporals.timestamp(midnight)
                    : Temporals.instant(midnight.toInstant(ZoneOffset.UTC));
        }
        return attribute.canonical(type.toJava(stored));
    }

    /**
     * The value of {@code attribute} as it comes back from this column: what the job compares for
     * the column's system. A value the column cannot store stays as it is (its write is a dead
     * letter).
     */
    public String narrow(ValueType attribute, String value) {
        try {
            return read(attribute, write(attribute, value));
        } catch (IllegalArgumentException e) {
            return value;
        }
    }

    private String convert(ValueType attribute, String value) {
        if (type == attribute || type == ValueType.TEXT) {
            return value;
        }
        if (type == ValueType.DATE
                && (attribute == ValueType.TIMESTAMP || attribute == ValueType.TIMESTAMPTZ)) {
            if (value.equals(Temporals.INFINITY) || value.equals(Temporals.MINUS_INFINITY)) {
                return value;
            }
            LocalDateTime t =
                    attribute == ValueType.TIMESTAMP
                            ? LocalDateTime.parse(value)
                            : OffsetDateTime.parse(value)
                                    .withOffsetSameInstant(ZoneOffset.UTC)
                                    .toLocalDateTime();
            return Temporals.date(t.toLocalDate());
        }
        if (type == ValueType.INTEGER
                && (attribute == ValueType.DECIMAL || attribute == ValueType.DOUBLE)) {
            try {
                // Half away from zero, as PostgreSQL and MySQL round a number into an integer.
                return new BigDecimal(value).setScale(0, RoundingMode.HALF_UP).toPlainString();
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("an integer column cannot hold " + value);
            }
        }
        return type.canonical(attribute == ValueType.TEXT ? value : attribute.toJava(value));
    }

    private String limit(String value) {
        if (type == ValueType.TEXT && length >= 0) {
            return value.codePointCount(0, value.length()) <= length
                    ? value
                    : value.substring(0, value.offsetByCodePoints(0, length));
        }
        if (type == ValueType.DECIMAL && scale >= 0 && !isSpecial(value)) {
            BigDecimal d = new BigDecimal(value);
            return d.scale() <= scale
                    ? value
                    : ValueType.DECIMAL.canonical(d.setScale(scale, RoundingMode.HALF_UP));
        }
        if (isTemporal(type) && fraction >= 0 && fraction < 6) {
            return roundFraction(value);
        }
        return value;
    }

    /** Rounds the seconds half up to {@code fraction} digits, as both databases do. */
    private String roundFraction(String value) {
        if (value.equals(Temporals.INFINITY) || value.equals(Temporals.MINUS_INFINITY)) {
            return value;
        }
        long unit = (long) Math.pow(10, 9 - fraction);
        return switch (type) {
            case TIME -> {
                LocalTime t = LocalTime.parse(value);
                long nanos = t.toNanoOfDay();
                yield Temporals.time(LocalTime.ofNanoOfDay(0).plusNanos(round(nanos, unit)));
            }
            case TIMESTAMP -> {
                LocalDateTime t = LocalDateTime.parse(value);
                yield Temporals.timestamp(
                        t.truncatedTo(ChronoUnit.SECONDS).plusNanos(round(t.getNano(), unit)));
            }
            case TIMESTAMPTZ -> {
                LocalDateTime t =
                        OffsetDateTime.parse(value)
                                .withOffsetSameInstant(ZoneOffset.UTC)
                                .toLocalDateTime();
                yield Temporals.instant(
                        t.truncatedTo(ChronoUnit.SECONDS)
                                .plusNanos(round(t.getNano(), unit))
                                .toInstant(ZoneOffset.UTC));
            }
            default -> value;
        };
    }

    private static long round(long nanos, long unit) {
        return (nanos + unit / 2) / unit * unit;
    }

    /** Whether a limit of {@code mine} holds less than one of {@code other} ({@code -1}: none). */
    private static boolean narrower(int mine, int other) {
        return mine >= 0 && (other < 0 || other > mine);
    }

    private static boolean isTemporal(ValueType t) {
        return t == ValueType.TIME || t == ValueType.TIMESTAMP || t == ValueType.TIMESTAMPTZ;
    }

    private static boolean isSpecial(String value) {
        return value.equals("NaN") || value.equals("Infinity") || value.equals("-Infinity");
    }
}
