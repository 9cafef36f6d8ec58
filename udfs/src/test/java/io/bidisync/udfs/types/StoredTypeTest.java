package io.bidisync.udfs.types;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class StoredTypeTest {
    private static final StoredType DATE = StoredType.of(ValueType.DATE);
    private static final StoredType MONEY = new StoredType(ValueType.DECIMAL, -1, 2, -1);
    private static final StoredType SHORT = new StoredType(ValueType.TEXT, 5, -1, -1);
    private static final StoredType MILLIS = new StoredType(ValueType.TIMESTAMPTZ, -1, -1, 3);

    @Test
    void aColumnThatWouldSilentlyChangeAValueDoesNotHoldItsAttribute() {
        List<StoredType> exact = List.of(StoredType.of(ValueType.TIMESTAMPTZ));
        assertThat(DATE.holdsAll(ValueType.TIMESTAMPTZ, exact)).isFalse();
        assertThat(MONEY.holdsAll(ValueType.DECIMAL, List.of(StoredType.of(ValueType.DECIMAL))))
                .isFalse();
        assertThat(MONEY.holdsAll(ValueType.DECIMAL, List.of(MONEY))).isTrue();
        assertThat(MILLIS.holdsAll(ValueType.TIMESTAMPTZ, exact)).isFalse();
        assertThat(StoredType.of(ValueType.TEXT).holdsAll(ValueType.INTEGER, exact)).isTrue();
        // A shorter text column is refused by the database, not cut: not a silent change.
        assertThat(SHORT.holdsAll(ValueType.TEXT, List.of(StoredType.of(ValueType.TEXT)))).isTrue();
        assertThat(SHORT.shorterThan(List.of(StoredType.of(ValueType.TEXT)))).isTrue();
        assertThat(SHORT.shorterThan(List.of(SHORT))).isFalse();
    }

    @Test
    void anInstantInADateColumnIsItsDayInUtcAndComesBackAsThatMidnight() {
        assertThat(DATE.canNarrow(ValueType.TIMESTAMPTZ)).isTrue();
        assertThat(DATE.write(ValueType.TIMESTAMPTZ, "2024-01-02T23:30:00Z"))
                .isEqualTo("2024-01-02");
        assertThat(DATE.read(ValueType.TIMESTAMPTZ, "2024-01-02"))
                .isEqualTo("2024-01-02T00:00:00Z");
        assertThat(DATE.narrow(ValueType.TIMESTAMPTZ, "2024-01-02T23:30:00Z"))
                .isEqualTo(DATE.narrow(ValueType.TIMESTAMPTZ, "2024-01-02T00:00:00Z"))
                .isEqualTo("2024-01-02T00:00:00Z");
        assertThat(DATE.narrow(ValueType.TIMESTAMPTZ, "infinity")).isEqualTo("infinity");
    }

    @Test
    void narrowingIsIdempotentSoAnEchoComparesEqualToWhatWasWritten() {
        String[][] cases = {
            {"DECIMAL", "12.345", "12.35"},
            {"DECIMAL", "-12.345", "-12.35"},
            {"DECIMAL", "12.5", "12.5"},
        };
        for (String[] c : cases) {
            String once = MONEY.narrow(ValueType.valueOf(c[0]), c[1]);
            assertThat(once).isEqualTo(c[2]);
            assertThat(MONEY.narrow(ValueType.valueOf(c[0]), once)).isEqualTo(once);
        }
        assertThat(SHORT.narrow(ValueType.TEXT, "😀abcdef")).isEqualTo("😀abcd");
        assertThat(MILLIS.narrow(ValueType.TIMESTAMPTZ, "2024-01-02T03:04:05.123500Z"))
                .isEqualTo("2024-01-02T03:04:05.124Z");
        assertThat(MILLIS.narrow(ValueType.TIMESTAMPTZ, "2024-01-02T23:59:59.999600Z"))
                .isEqualTo("2024-01-03T00:00:00Z");
    }

    @Test
    void numbersIntoIntegersRoundHalfAwayFromZeroAndTextIsParsed() {
        StoredType integer = StoredType.of(ValueType.INTEGER);
        assertThat(integer.write(ValueType.DECIMAL, "2.5")).isEqualTo("3");
        assertThat(integer.write(ValueType.DECIMAL, "-2.5")).isEqualTo("-3");
        assertThat(integer.read(ValueType.DECIMAL, "3")).isEqualTo("3");
        assertThat(integer.narrow(ValueType.TEXT, "0042")).isEqualTo("42");
        assertThatThrownBy(() -> integer.write(ValueType.TEXT, "forty-two"))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(integer.narrow(ValueType.TEXT, "forty-two")).isEqualTo("forty-two");
        assertThatThrownBy(() -> integer.write(ValueType.DOUBLE, "NaN"))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anUnreadColumnPassesValuesUnchanged() {
        assertThat(StoredType.UNREAD.narrow(ValueType.TIMESTAMPTZ, "2024-01-02T23:30:00Z"))
                .isEqualTo("2024-01-02T23:30:00Z");
        assertThat(StoredType.UNREAD.holdsAll(ValueType.DATE, List.of())).isTrue();
    }
}
