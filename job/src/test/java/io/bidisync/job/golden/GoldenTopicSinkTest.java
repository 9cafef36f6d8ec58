package io.bidisync.job.golden;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.types.ValueType;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class GoldenTopicSinkTest {
    private final GoldenTopicSink.Json json =
            new GoldenTopicSink.Json(
                    "customers.golden", new Attributes(List.of("email", "name", "phone")));

    @Test
    void aGoldenRecordIsKeyedByItsIdWithItsValuesLinksAndTime() throws Exception {
        ProducerRecord<byte[], byte[]> record =
                json.serialize(
                        new GoldenRecord(
                                "ann@example.com",
                                false,
                                new String[] {"Ann@Example.com", "Ann", null},
                                new String[] {"crm/1", "crm/7", "erp/900"},
                                1_700_000_000_000L),
                        null,
                        null);

        assertThat(record.topic()).isEqualTo("customers.golden");
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("ann@example.com");
        assertThat(record.timestamp()).isEqualTo(1_700_000_000_000L);
        assertThat(new ObjectMapper().readTree(record.value()))
                .isEqualTo(
                        new ObjectMapper()
                                .readTree(
                                        """
                                        {"id":"ann@example.com",
                                         "attributes":{"email":"Ann@Example.com","name":"Ann","phone":null},
                                         "links":{"crm":["1","7"],"erp":["900"]},
                                         "event_time":1700000000000}"""));
    }

    @Test
    void valuesAreTypedJson() throws Exception {
        GoldenTopicSink.Json typed =
                new GoldenTopicSink.Json(
                        "people.golden",
                        new Attributes(
                                List.of("n", "d", "f", "nan", "b", "doc", "tags", "born"),
                                List.of(
                                        ValueType.INTEGER,
                                        ValueType.DECIMAL,
                                        ValueType.DOUBLE,
                                        ValueType.DOUBLE,
                                        ValueType.BOOLEAN,
                                        ValueType.JSON,
                                        ValueType.TEXT_ARRAY,
                                        ValueType.DATE)));
        byte[] value =
                typed.value(
                        new GoldenRecord(
                                "x",
                                false,
                                new String[] {
                                    "42",
                                    "12.5",
                                    "0.1",
                                    "NaN",
                                    "true",
                                    "{\"a\":[1]}",
                                    "[\"a\",null]",
                                    "infinity"
                                },
                                new String[] {"crm/1"},
                                1L));
        assertThat(new ObjectMapper().readTree(value).get("attributes"))
                .isEqualTo(
                        new ObjectMapper()
                                .readTree(
                                        """
                                        {"n":42,"d":12.5,"f":0.1,"nan":"NaN","b":true,
                                         "doc":{"a":[1]},"tags":["a",null],"born":"infinity"}"""));
    }

    @Test
    void aGoneGoldenRecordIsATombstone() {
        ProducerRecord<byte[], byte[]> record =
                json.serialize(GoldenRecord.gone("ann@example.com", 5L), null, null);
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("ann@example.com");
        assertThat(record.value()).isNull();
    }
}
