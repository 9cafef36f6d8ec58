package io.bidisync.udfs.types;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.OffsetTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.time.temporal.ChronoField;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAccessor;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Canonical forms of dates, times, timestamps, instants and intervals.
 *
 * <p>Dates are ISO ({@code 2024-02-29}), times {@code HH:mm:ss} with the fraction's trailing zeros
 * dropped, timestamps {@code 2024-02-29T10:15:30.5}, instants the same in UTC with {@code Z};
 * everything to the microsecond (finer digits are cut, as every database here stores at most
 * microseconds). {@code infinity} and {@code -infinity} stand for PostgreSQL's infinite dates and
 * timestamps. Text is read in ISO form, with a space or {@code T} between date and time, with or
 * without an offset ({@code +02}, {@code +02:00}, {@code Z}), and with PostgreSQL's {@code BC}.
 */
final class Temporals {
    private Temporals() {}

    static final String INFINITY = "infinity";
    static final String MINUS_INFINITY = "-infinity";

    /** Time with the fraction's trailing zeros dropped (ISO_LOCAL_TIME prints at least seconds). */
    private static final DateTimeFormatter TIME =
            new DateTimeFormatterBuilder()
                    .appendPattern("HH:mm:ss")
                    .appendFraction(ChronoField.NANO_OF_SECOND, 0, 6, true)
                    .toFormatter(Locale.ROOT);

    private static final DateTimeFormatter DATE = DateTimeFormatter.ISO_LOCAL_DATE;

    /** Lenient reading: date, optional time (space or T), optional fraction, optional offset. */
    private static final DateTimeFormatter READ =
            new DateTimeFormatterBuilder()
                    .parseCaseInsensitive()
                    .append(DateTimeFormatter.ISO_LOCAL_DATE)
                    .optionalStart()
                    .appendLiteral('T')
                    .optionalEnd()
                    .optionalStart()
                    .appendValue(ChronoField.HOUR_OF_DAY, 2)
                    .appendLiteral(':')
                    .appendValue(ChronoField.MINUTE_OF_HOUR, 2)
                    .optionalStart()
                    .appendLiteral(':')
                    .appendValue(ChronoField.SECOND_OF_MINUTE, 2)
                    .optionalStart()
                    .appendFraction(ChronoField.NANO_OF_SECOND, 0, 9, true)
                    .optionalEnd()
                    .optionalEnd()
                    .optionalStart()
                    .appendOffset("+HH:mm", "Z")
                    .optionalEnd()
                    .optionalStart()
                    .appendOffset("+HH", "Z")
                    .optionalEnd()
                    .optionalEnd()
                    .toFormatter(Locale.ROOT)
                    .withResolverStyle(ResolverStyle.STRICT);

    private static final Pattern ISO_INTERVAL =
            Pattern.compile(
                    "(-)?P(?:(-?\\d+)Y)?(?:(-?\\d+)M)?(?:(-?\\d+)W)?(?:(-?\\d+)D)?"
                            + "(?:T(?:(-?\\d+)H)?(?:(-?\\d+)M)?(?:(-?\\d+(?:\\.\\d+)?)S)?)?");

    /** PostgreSQL's own output: {@code 1 year 2 mons 3 days 04:05:06.5}, each part optional. */
    private static final Pattern PG_INTERVAL =
            Pattern.compile(
                    "(?:([+-]?\\d+) years?)?\\s*(?:([+-]?\\d+) mons?)?\\s*(?:([+-]?\\d+) days?)?\\s*"
                            + "(?:([+-])?(\\d+):(\\d{2}):(\\d{2}(?:\\.\\d+)?))?");

    static String canonical(ValueType type, Object value) {
        if (value instanceof CharSequence text) {
            return fromText(type, text.toString().trim());
        }
        return switch (type) {
            case DATE -> date(asDate(value));
            case TIME -> time(asTime(value));
            case TIMESTAMP -> timestamp(asDateTime(value));
            case TIMESTAMPTZ -> instant(asInstant(value));
            case INTERVAL -> interval(value);
            default -> throw new IllegalStateException(type.name());
        };
    }

    static Object toJava(ValueType type, String canonical) {
        boolean max = canonical.equals(INFINITY);
        boolean min = canonical.equals(MINUS_INFINITY);
        return switch (type) {
            case DATE -> max ? LocalDate.MAX : min ? LocalDate.MIN : LocalDate.parse(canonical);
            case TIME -> LocalTime.parse(canonical);
            case TIMESTAMP ->
                    max
                            ? LocalDateTime.MAX
                            : min ? LocalDateTime.MIN : LocalDateTime.parse(canonical);
            case TIMESTAMPTZ ->
                    max
                            ? OffsetDateTime.MAX
                            : min ? OffsetDateTime.MIN : OffsetDateTime.parse(canonical);
            default -> throw new IllegalStateException(type.name());
        };
    }

    private static String fromText(ValueType type, String text) {
        if (type == ValueType.INTERVAL) {
            return intervalText(text);
        }
        if (type != ValueType.TIME) {
            String lower = text.toLowerCase(Locale.ROOT);
            if (lower.equals(INFINITY) || lower.equals("+infinity")) {
                return INFINITY;
            }
            if (lower.equals(MINUS_INFINITY)) {
                return MINUS_INFINITY;
            }
        }
        try {
            if (type == ValueType.TIME) {
                return time(localTime(text));
            }
            boolean bc = text.toUpperCase(Locale.ROOT).endsWith(" BC");
            String t = bc ? text.substring(0, text.length() - 3).trim() : text;
            // PostgreSQL and MySQL print a space between date and time, ISO a T.
            TemporalAccessor parsed = READ.parse(t.replaceFirst("^(\\S+) (\\d)", "$1T$2"));
            LocalDate date = LocalDate.from(parsed);
            if (bc) {
                date = date.withYear(1 - date.getYear());
            }
            LocalTime time =
                    parsed.isSupported(ChronoField.HOUR_OF_DAY)
                            ? LocalTime.from(parsed)
                            : LocalTime.MIDNIGHT;
            switch (type) {
                case DATE:
                    if (!time.equals(LocalTime.MIDNIGHT)) {
                        throw new IllegalArgumentException(
                                "not a date (has a time): '" + text + "'");
                    }
                    return date(date);
                case TIMESTAMP:
                    return timestamp(LocalDateTime.of(date, time));
                default:
                    ZoneOffset offset =
                            parsed.isSupported(ChronoField.OFFSET_SECONDS)
                                    ? ZoneOffset.from(parsed)
                                    : ZoneOffset.UTC;
                    return instant(OffsetDateTime.of(date, time, offset).toInstant());
            }
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a " + type.configName() + ": '" + text + "'");
        }
    }

    /** A time of day, with an offset ignored (PostgreSQL's timetz is read as its local time). */
    private static LocalTime localTime(String text) {
        String t = text.replaceFirst("(?:[+-]\\d{2}(?::?\\d{2})?|Z)$", "");
        return LocalTime.parse(t.length() == 5 ? t + ":00" : t);
    }

    private static LocalDate asDate(Object value) {
        if (value instanceof LocalDate d) {
            return d;
        }
        if (value instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (value instanceof LocalDateTime dt && dt.toLocalTime().equals(LocalTime.MIDNIGHT)) {
            return dt.toLocalDate();
        }
        throw new IllegalArgumentException("not a date: " + value.getClass().getSimpleName());
    }

    private static LocalTime asTime(Object value) {
        if (value instanceof LocalTime t) {
            return t;
        }
        if (value instanceof OffsetTime t) {
            return t.toLocalTime();
        }
        if (value instanceof java.sql.Time t) {
            return t.toLocalTime();
        }
        if (value instanceof Duration d && !d.isNegative() && d.toDays() == 0) {
            return LocalTime.MIDNIGHT.plus(d);
        }
        throw new IllegalArgumentException("not a time: " + value.getClass().getSimpleName());
    }

    private static LocalDateTime asDateTime(Object value) {
        if (value instanceof LocalDateTime t) {
            return t;
        }
        if (value instanceof LocalDate d) {
            return d.atStartOfDay();
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toLocalDateTime();
        }
        throw new IllegalArgumentException("not a timestamp: " + value.getClass().getSimpleName());
    }

    private static Instant asInstant(Object value) {
        if (value instanceof Instant i) {
            return i;
        }
        if (value instanceof OffsetDateTime t) {
            return t.toInstant();
        }
        if (value instanceof ZonedDateTime t) {
            return t.toInstant();
        }
        if (value instanceof LocalDateTime t) {
            return t.toInstant(ZoneOffset.UTC);
        }
        if (value instanceof java.sql.Timestamp t) {
            return t.toInstant();
        }
        throw new IllegalArgumentException("not an instant: " + value.getClass().getSimpleName());
    }

    static String date(LocalDate d) {
        if (d.equals(LocalDate.MAX)) {
            return INFINITY;
        }
        if (d.equals(LocalDate.MIN)) {
            return MINUS_INFINITY;
        }
        return DATE.format(d);
    }

    static String time(LocalTime t) {
        return TIME.format(t.truncatedTo(ChronoUnit.MICROS));
    }

    static String timestamp(LocalDateTime t) {
        if (t.equals(LocalDateTime.MAX)) {
            return INFINITY;
        }
        if (t.equals(LocalDateTime.MIN)) {
            return MINUS_INFINITY;
        }
        return DATE.format(t) + "T" + time(t.toLocalTime());
    }

    static String instant(Instant i) {
        if (i.equals(Instant.MAX) || i.equals(OffsetDateTime.MAX.toInstant())) {
            return INFINITY;
        }
        if (i.equals(Instant.MIN) || i.equals(OffsetDateTime.MIN.toInstant())) {
            return MINUS_INFINITY;
        }
        return timestamp(LocalDateTime.ofInstant(i, ZoneOffset.UTC)) + "Z";
    }

    private static String interval(Object value) {
        if (value instanceof Duration d) {
            return interval(0, 0, d.toNanos() / 1000);
        }
        if (value instanceof Period p) {
            return interval(p.toTotalMonths(), p.getDays(), 0);
        }
        // PGInterval and the like print themselves in PostgreSQL's form.
        return intervalText(value.toString().trim());
    }

    private static String intervalText(String text) {
        Matcher iso = ISO_INTERVAL.matcher(text.toUpperCase(Locale.ROOT));
        if (text.length() > 1 && iso.matches()) {
            int sign = iso.group(1) == null ? 1 : -1;
            long months = 12 * num(iso.group(2)) + num(iso.group(3));
            long days = 7 * num(iso.group(4)) + num(iso.group(5));
            long micros =
                    (num(iso.group(6)) * 3600 + num(iso.group(7)) * 60) * 1_000_000L
                            + seconds(iso.group(8));
            return interval(sign * months, sign * days, sign * micros);
        }
        Matcher pg = PG_INTERVAL.matcher(text.toLowerCase(Locale.ROOT));
        if (!text.isEmpty() && pg.matches()) {
            long months = 12 * num(pg.group(1)) + num(pg.group(2));
            long days = num(pg.group(3));
            long micros = 0;
            if (pg.group(5) != null) {
                micros =
                        (num(pg.group(5)) * 3600 + num(pg.group(6)) * 60) * 1_000_000L
                                + seconds(pg.group(7));
                if ("-".equals(pg.group(4))) {
                    micros = -micros;
                }
            }
            return interval(months, days, micros);
        }
        throw new IllegalArgumentException("not an interval: '" + text + "'");
    }

    private static long num(String group) {
        return group == null ? 0 : Long.parseLong(group.replace("+", ""));
    }

    private static long seconds(String group) {
        if (group == null) {
            return 0;
        }
        return new java.math.BigDecimal(group)
                .movePointRight(6)
                .setScale(0, java.math.RoundingMode.DOWN)
                .longValueExact();
    }

    /**
     * ISO 8601 from PostgreSQL's three parts: months (as years and months), days, and the time as
     * hours, minutes and seconds; zero parts left out, {@code PT0S} for nothing.
     */
    static String interval(long months, long days, long micros) {
        StringBuilder s = new StringBuilder("P");
        if (months / 12 != 0) {
            s.append(months / 12).append('Y');
        }
        if (months % 12 != 0) {
            s.append(months % 12).append('M');
        }
        if (days != 0) {
            s.append(days).append('D');
        }
        if (micros != 0) {
            s.append('T');
            long hours = micros / 3_600_000_000L;
            long minutes = (micros % 3_600_000_000L) / 60_000_000L;
            long rest = micros % 60_000_000L;
            if (hours != 0) {
                s.append(hours).append('H');
            }
            if (minutes != 0) {
                s.append(minutes).append('M');
            }
            if (rest != 0) {
                s.append(java.math.BigDecimal.valueOf(rest, 6).stripTrailingZeros().toPlainString())
                        .append('S');
            }
        }
        return s.length() == 1 ? "PT0S" : s.toString();
    }
}
