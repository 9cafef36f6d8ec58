package io.bidisync.udfs.types;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Each type's canonical form: equal values (whatever the database, driver or Debezium made of them)
 * have one form, unequal values different ones, and the form goes back to the Java value a driver
 * binds without loss.
 */
class ValueTypeTest {

    /** Per type: groups of representations of one value each. */
    static final Map<ValueType, List<List<Object>>> SAME =
            Map.ofEntries(
                    Map.entry(
                            ValueType.TEXT,
                            List.of(
                                    List.of(""),
                                    List.of(" a "),
                                    List.of("\uD83D\uDE00 emoji"),
                                    List.of("a"))),
                    Map.entry(
                            ValueType.INTEGER,
                            List.of(
                                    List.of(
                                            12,
                                            12L,
                                            (short) 12,
                                            "12",
                                            " +12 ",
                                            "12.0",
                                            new BigDecimal("12.000")),
                                    List.of(-9223372036854775808L, "-9223372036854775808"),
                                    List.of(
                                            new BigInteger("123456789012345678901234567890"),
                                            "123456789012345678901234567890"),
                                    List.of(0, "-0", "0.00"))),
                    Map.entry(
                            ValueType.DECIMAL,
                            List.of(
                                    List.of(
                                            "12.50",
                                            "12.5000",
                                            new BigDecimal("12.5"),
                                            12.5d,
                                            " 12.5"),
                                    List.of("12", 12, "12.000", new BigDecimal("1.2E+1")),
                                    List.of("0", "0.000", new BigDecimal("0E-10")),
                                    List.of("NaN", "nan", Double.NaN),
                                    List.of("Infinity", "inf", Double.POSITIVE_INFINITY),
                                    List.of("-Infinity", Double.NEGATIVE_INFINITY),
                                    List.of("-0.001", new BigDecimal("-0.00100")))),
                    Map.entry(
                            ValueType.DOUBLE,
                            List.of(
                                    List.of(0.1d, "0.1", 0.1f, "1e-1"),
                                    List.of(Double.NaN, "NaN"),
                                    List.of(Double.POSITIVE_INFINITY, "Infinity", "inf"),
                                    List.of(Double.NEGATIVE_INFINITY, "-Infinity"),
                                    List.of(1e300, "1.0E300"),
                                    List.of(12, "12", "12.0"))),
                    Map.entry(
                            ValueType.BOOLEAN,
                            List.of(
                                    List.of(
                                            true,
                                            "t",
                                            "true",
                                            "TRUE",
                                            1,
                                            "1",
                                            (byte) 1,
                                            new byte[] {1}),
                                    List.of(false, "f", "false", 0, "0", new byte[] {0}))),
                    Map.entry(
                            ValueType.DATE,
                            List.of(
                                    List.of(
                                            LocalDate.of(2024, 2, 29),
                                            "2024-02-29",
                                            java.sql.Date.valueOf("2024-02-29"),
                                            "2024-02-29 00:00:00"),
                                    List.of(LocalDate.MAX, "infinity", "Infinity"),
                                    List.of(LocalDate.MIN, "-infinity"),
                                    List.of(LocalDate.of(-43, 3, 15), "0044-03-15 BC"))),
                    Map.entry(
                            ValueType.TIME,
                            List.of(
                                    List.of(
                                            LocalTime.of(10, 15, 30, 500_000_000),
                                            "10:15:30.5",
                                            "10:15:30.500000",
                                            Duration.ofMillis(36_930_500)),
                                    List.of(
                                            LocalTime.of(10, 15),
                                            "10:15",
                                            "10:15:00",
                                            "10:15:00+02"),
                                    List.of(
                                            LocalTime.of(23, 59, 59, 999_999_000),
                                            "23:59:59.999999",
                                            "23:59:59.9999991"))),
                    Map.entry(
                            ValueType.TIMESTAMP,
                            List.of(
                                    List.of(
                                            LocalDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000),
                                            "2024-01-02 03:04:05.123456",
                                            "2024-01-02T03:04:05.123456",
                                            java.sql.Timestamp.valueOf(
                                                    "2024-01-02 03:04:05.123456")),
                                    List.of(
                                            LocalDateTime.of(2024, 1, 2, 0, 0),
                                            "2024-01-02",
                                            "2024-01-02 00:00:00.000"),
                                    List.of(LocalDateTime.MAX, "infinity"),
                                    List.of(LocalDateTime.MIN, "-infinity"))),
                    Map.entry(
                            ValueType.TIMESTAMPTZ,
                            List.of(
                                    List.of(
                                            Instant.parse("2024-01-02T03:04:05.000001Z"),
                                            OffsetDateTime.of(
                                                    2024,
                                                    1,
                                                    2,
                                                    5,
                                                    4,
                                                    5,
                                                    1000,
                                                    ZoneOffset.ofHours(2)),
                                            "2024-01-02 05:04:05.000001+02",
                                            "2024-01-02T05:04:05.000001+02:00",
                                            "2024-01-02T03:04:05.000001Z",
                                            "2024-01-02 03:04:05.000001",
                                            LocalDateTime.of(2024, 1, 2, 3, 4, 5, 1000)),
                                    List.of(OffsetDateTime.MAX, "infinity"),
                                    List.of(OffsetDateTime.MIN, "-infinity"))),
                    Map.entry(
                            ValueType.INTERVAL,
                            List.of(
                                    List.of(
                                            "P1Y2M3DT4H5M6.5S",
                                            "1 year 2 mons 3 days 04:05:06.5",
                                            "P14M3DT14706.5S"),
                                    List.of("PT0S", "00:00:00", "P0D"),
                                    List.of("-P1D", "-1 days", "P-1D"),
                                    List.of(Duration.ofMinutes(90), "PT1H30M", "01:30:00"))),
                    Map.entry(
                            ValueType.UUID,
                            List.of(
                                    List.of(
                                            java.util.UUID.fromString(
                                                    "123e4567-e89b-12d3-a456-426614174000"),
                                            "123E4567-E89B-12D3-A456-426614174000",
                                            "{123e4567-e89b-12d3-a456-426614174000}",
                                            "123e4567e89b12d3a456426614174000",
                                            new byte[] {
                                                0x12,
                                                0x3e,
                                                0x45,
                                                0x67,
                                                (byte) 0xe8,
                                                (byte) 0x9b,
                                                0x12,
                                                (byte) 0xd3,
                                                (byte) 0xa4,
                                                0x56,
                                                0x42,
                                                0x66,
                                                0x14,
                                                0x17,
                                                0x40,
                                                0x00
                                            }))),
                    Map.entry(
                            ValueType.JSON,
                            List.of(
                                    List.of(
                                            "{\"b\": [1, 2.50], \"a\": {\"y\": true, \"x\": null}}",
                                            "{\"a\":{\"x\":null,\"y\":true},\"b\":[1,2.5]}",
                                            "{ \"a\" : { \"y\" : true , \"x\" : null } , \"b\" : [ 1.0 , 2.500 ] }"),
                                    List.of("[]", " [ ] "),
                                    List.of(
                                            "\"\u00e6\u00f8\u00e5\"",
                                            "\"\\u00e6\\u00f8\\u00e5\""))),
                    Map.entry(
                            ValueType.BYTES,
                            List.of(
                                    List.of(new byte[] {0, 1, (byte) 0xff}, "AAH/", "\\x0001ff"),
                                    List.of(new byte[0], "", "\\x"))),
                    Map.entry(
                            ValueType.TEXT_ARRAY,
                            List.of(
                                    List.of(
                                            new String[] {"a", "b c", null, ""},
                                            "{a,\"b c\",NULL,\"\"}",
                                            "[\"a\",\"b c\",null,\"\"]",
                                            "[\"a\", \"b c\", null, \"\"]"),
                                    List.of(new String[0], "{}", "[]"),
                                    List.of(
                                            new String[] {"\"q\"", "x\\y", "NULL"},
                                            "{\"\\\"q\\\"\",\"x\\\\y\",\"NULL\"}"))),
                    Map.entry(
                            ValueType.INTEGER_ARRAY,
                            List.of(
                                    List.of(
                                            new Integer[] {1, null, -3},
                                            new Long[] {1L, null, -3L},
                                            "{1,NULL,-3}",
                                            "[1, null, -3]"),
                                    List.of(new Long[0], "{}"))));

    @ParameterizedTest
    @EnumSource(ValueType.class)
    void equalValuesHaveOneFormAndUnequalValuesDifferentOnes(ValueType type) {
        List<List<Object>> groups = SAME.get(type);
        assertThat(groups).as("examples of %s", type).isNotNull();
        List<String> forms =
                groups.stream()
                        .map(
                                group -> {
                                    String first = type.canonical(group.get(0));
                                    for (Object representation : group) {
                                        assertThat(type.canonical(representation))
                                                .as("%s %s", type, describe(representation))
                                                .isEqualTo(first);
                                    }
                                    return first;
                                })
                        .toList();
        assertThat(forms).as("%s: one form per value", type).doesNotHaveDuplicates();
    }

    @ParameterizedTest
    @EnumSource(ValueType.class)
    void theCanonicalFormGoesBackToAJavaValueWithTheSameForm(ValueType type) {
        for (List<Object> group : SAME.get(type)) {
            String form = type.canonical(group.get(0));
            assertThat(type.canonical(type.toJava(form))).as("%s %s", type, form).isEqualTo(form);
            assertThat(type.canonical(form))
                    .as("%s: a canonical form reads as itself", type)
                    .isEqualTo(form);
        }
    }

    @Test
    void formsAreWhatTheDocumentationSays() {
        assertThat(ValueType.DECIMAL.canonical("12.50")).isEqualTo("12.5");
        assertThat(ValueType.DECIMAL.canonical("1.2E+3")).isEqualTo("1200");
        assertThat(ValueType.TIMESTAMPTZ.canonical("2024-06-01 12:00:00+02"))
                .isEqualTo("2024-06-01T10:00:00Z");
        assertThat(ValueType.TIMESTAMP.canonical("2024-06-01 12:00:00.120"))
                .isEqualTo("2024-06-01T12:00:00.12");
        assertThat(ValueType.INTERVAL.canonical("1 year 2 mons 3 days 04:05:06.5"))
                .isEqualTo("P1Y2M3DT4H5M6.5S");
        assertThat(ValueType.JSON.canonical("{\"b\":1, \"a\":[2.50]}"))
                .isEqualTo("{\"a\":[2.5],\"b\":1}");
        assertThat(ValueType.BYTES.canonical("\\x0001ff")).isEqualTo("AAH/");
        assertThat(ValueType.TEXT_ARRAY.canonical("{a,NULL}")).isEqualTo("[\"a\",null]");
        assertThat(ValueType.TEXT.canonical(" a ")).isEqualTo(" a ");
        assertThat(ValueType.TEXT.canonical(null)).isNull();
    }

    @Test
    void javaValuesAreTheOnesDriversBind() {
        assertThat(ValueType.INTEGER.toJava("12")).isEqualTo(12L);
        assertThat(ValueType.INTEGER.toJava("123456789012345678901234567890"))
                .isEqualTo(new BigDecimal("123456789012345678901234567890"));
        assertThat(ValueType.DECIMAL.toJava("12.5")).isEqualTo(new BigDecimal("12.5"));
        assertThat(ValueType.DATE.toJava("infinity")).isEqualTo(LocalDate.MAX);
        assertThat(ValueType.TIMESTAMPTZ.toJava("2024-01-02T03:04:05.000001Z"))
                .isEqualTo(OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 1000, ZoneOffset.UTC));
        assertThat(ValueType.UUID.toJava("123e4567-e89b-12d3-a456-426614174000"))
                .isInstanceOf(java.util.UUID.class);
        assertThat((byte[]) ValueType.BYTES.toJava("AAH/")).containsExactly(0, 1, 0xff);
        assertThat((Long[]) ValueType.INTEGER_ARRAY.toJava("[1,null]")).containsExactly(1L, null);
    }

    @Test
    void aValueOfAnotherTypeIsRefusedWithTheReason() {
        assertThatThrownBy(() -> ValueType.INTEGER.canonical("12.5"))
                .hasMessage("not a whole number: '12.5'");
        assertThatThrownBy(() -> ValueType.DATE.canonical("2024-02-30"))
                .hasMessage("not a date: '2024-02-30'");
        assertThatThrownBy(() -> ValueType.DATE.canonical("2024-02-03 10:00"))
                .hasMessageContaining("has a time");
        assertThatThrownBy(() -> ValueType.BOOLEAN.canonical("maybe"))
                .hasMessage("not a boolean: 'maybe'");
        assertThatThrownBy(() -> ValueType.UUID.canonical("123")).hasMessage("not a UUID: '123'");
        assertThatThrownBy(() -> ValueType.JSON.canonical("{a:1}"))
                .hasMessageStartingWith("not a JSON document");
        assertThatThrownBy(() -> ValueType.INTERVAL.canonical("soon"))
                .hasMessage("not an interval: 'soon'");
        assertThatThrownBy(() -> ValueType.INTEGER_ARRAY.canonical("{1,x}"))
                .hasMessage("not a whole number: 'x'");
    }

    @Test
    void aColumnHoldsItsOwnTypeAndWhatItGivesBackUnchanged() {
        for (ValueType t : ValueType.values()) {
            assertThat(t.holds(t)).isTrue();
            assertThat(ValueType.TEXT.holds(t)).as("text holds %s", t).isTrue();
        }
        assertThat(ValueType.DECIMAL.holds(ValueType.INTEGER)).isTrue();
        assertThat(ValueType.INTEGER.holds(ValueType.BOOLEAN)).isTrue();
        assertThat(ValueType.TIMESTAMP.holds(ValueType.TIMESTAMPTZ)).isTrue();
        assertThat(ValueType.INTEGER.holds(ValueType.TEXT)).isFalse();
        assertThat(ValueType.DATE.holds(ValueType.TIMESTAMPTZ)).isFalse();
        assertThat(ValueType.INTEGER.holds(ValueType.DECIMAL)).isFalse();
        assertThat(ValueType.DOUBLE.holds(ValueType.DECIMAL)).isFalse();
    }

    @Test
    void typesAreNamedAsInTheConfiguration() {
        for (ValueType t : ValueType.values()) {
            assertThat(ValueType.byName(t.configName())).isEqualTo(t);
        }
        assertThat(ValueType.byName("Date")).isEqualTo(ValueType.DATE);
        assertThat(ValueType.byName("varchar")).isNull();
    }

    private static String describe(Object o) {
        if (o instanceof byte[] b) {
            return "bytes " + java.util.Arrays.toString(b);
        }
        if (o instanceof Object[] a) {
            return java.util.Arrays.toString(a);
        }
        return o.getClass().getSimpleName() + " " + o;
    }
}
