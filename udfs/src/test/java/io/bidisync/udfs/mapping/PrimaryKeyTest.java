package io.bidisync.udfs.mapping;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.types.ValueType;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class PrimaryKeyTest {
    private static final Attributes ATTRIBUTES =
            new Attributes(List.of("order_no", "line_no", "product"))
                    .withTypes(List.of(ValueType.TEXT, ValueType.INTEGER, ValueType.TEXT));

    private static final ColumnMapping LINES =
            new ColumnMapping(
                    ATTRIBUTES, Map.of("order_no", "ordre", "line_no", "linje", "product", "vare"));

    @Test
    void aKeyWhoseColumnsCarryAttributesIsReadFromTheValues() {
        PrimaryKey key = new PrimaryKey(List.of("ordre", "linje"), LINES);
        assertThat(key.fromAttributes()).isTrue();
        String id = key.of(new String[] {"A-17", "3", "bolt"}, column -> "from the row");
        assertThat(id).isEqualTo("[\"A-17\",\"3\"]");
        assertThat(key.parts(id)).containsExactly("A-17", "3");
        assertThat(key.contains("linje")).isTrue();
        assertThat(key.contains("vare")).isFalse();
    }

    @Test
    void aPartWithoutAnAttributeIsTheColumnsText() {
        PrimaryKey key = new PrimaryKey(List.of("ordre", "id"), LINES);
        assertThat(key.fromAttributes()).isFalse();
        assertThat(key.attributeOf(0)).isZero();
        assertThat(key.attributeOf(1)).isEqualTo(-1);
        assertThat(key.of(new String[] {"A-17", "3", "bolt"}, column -> column + "=9"))
                .isEqualTo("[\"A-17\",\"id=9\"]");
    }

    @Test
    void aSingleColumnKeyIsTheValueAndAMissingPartGivesNoKey() {
        PrimaryKey key = new PrimaryKey(List.of("id"), LINES);
        assertThat(key.of(new String[0], column -> "17")).isEqualTo("17");
        assertThat(key.of(new String[0], column -> null)).isNull();
    }
}
