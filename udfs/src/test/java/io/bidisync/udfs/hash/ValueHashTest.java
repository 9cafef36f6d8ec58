package io.bidisync.udfs.hash;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ValueHashTest {

    @Test
    void sameValuesSameHash() {
        assertThat(ValueHash.of(new String[] {"a", null, "Åse"}))
                .isEqualTo(ValueHash.of(new String[] {"a", null, "Åse"}));
    }

    @Test
    void isStableAcrossVersions() {
        // Hashes are kept in savepoints: changing the encoding would make every echo look new.
        assertThat(ValueHash.of(new String[] {"ann@x.no", "Ann", null}))
                .isEqualTo(ValueHash.of(new String[] {"ann@x.no", "Ann", null}))
                .isEqualTo(5721945362160916468L);
    }

    @Test
    void distinguishesNullEmptyAndLiteralNull() {
        long nullHash = ValueHash.of(new String[] {null});
        long emptyHash = ValueHash.of(new String[] {""});
        long literalHash = ValueHash.of(new String[] {"null"});
        assertThat(nullHash).isNotEqualTo(emptyHash).isNotEqualTo(literalHash);
        assertThat(emptyHash).isNotEqualTo(literalHash);
    }

    @Test
    void valueBoundariesCannotShift() {
        assertThat(ValueHash.of(new String[] {"ab", "c"}))
                .isNotEqualTo(ValueHash.of(new String[] {"a", "bc"}));
    }

    @Test
    void orderMatters() {
        assertThat(ValueHash.of(new String[] {"a", "b"}))
                .isNotEqualTo(ValueHash.of(new String[] {"b", "a"}));
    }
}
