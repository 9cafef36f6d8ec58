package io.bidisync.udfs.mapping;

import io.bidisync.udfs.model.Attributes;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ColumnMappingTest {
    private final Attributes attributes = new Attributes(List.of("email", "name", "phone", "city"));
    private final ColumnMapping erp =
            new ColumnMapping(attributes, Map.of("email", "mail", "name", "full_name"));

    @Test
    void readsRowIntoAttributeOrderWithUnmappedAsNull() {
        Map<String, String> row = new HashMap<>();
        row.put("mail", "a@x.no");
        row.put("full_name", "Ann");
        row.put("other", "ignored");
        assertThat(erp.toAttributeValues(row)).containsExactly("a@x.no", "Ann", null, null);
    }

    @Test
    void missingAndNullColumnsReadAsNull() {
        Map<String, String> row = new HashMap<>();
        row.put("mail", null);
        assertThat(erp.toAttributeValues(row)).containsExactly(null, null, null, null);
    }

    @Test
    void writesOnlyMappedColumnsInAttributeOrder() {
        Map<String, String> row = erp.toColumnValues(new String[] {"a@x.no", null, "123", "Oslo"});
        assertThat(row.keySet()).containsExactly("mail", "full_name");
        assertThat(row.get("mail")).isEqualTo("a@x.no");
        assertThat(row.get("full_name")).isNull();
    }

    @Test
    void roundTripsUnicodeAndWhitespace() {
        String[] values = {" ÅSE@x.no ", "Åse Nordmann", null, null};
        assertThat(erp.toAttributeValues(erp.toColumnValues(values))).containsExactly(values);
    }

    @Test
    void knowsWhichAttributesItHolds() {
        assertThat(erp.mask()).containsExactly(true, true, false, false);
        assertThat(erp.columns()).containsExactly("mail", "full_name");
        assertThat(erp.columnOf(2)).isNull();
    }

    @Test
    void rejectsUnknownAttribute() {
        assertThatThrownBy(() -> new ColumnMapping(attributes, Map.of("fax", "fax")))
                .hasMessageContaining("fax");
    }

    @Test
    void rejectsWrongNumberOfValues() {
        assertThatThrownBy(() -> erp.toColumnValues(new String[] {"a"}))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
