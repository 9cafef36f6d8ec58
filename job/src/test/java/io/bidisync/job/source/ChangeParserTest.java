package io.bidisync.job.source;

import io.bidisync.job.deadletter.DeadLetters;
import io.bidisync.job.testutil.TestConfigs;

import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class ChangeParserTest {
    private OneInputStreamOperatorTestHarness<SourceEvent, RecordChange> harness;

    @BeforeEach
    void setUp() throws Exception {
        var config = TestConfigs.offline();
        harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ChangeParser(config, config.system("erp")));
    }

    @AfterEach
    void tearDown() throws Exception {
        harness.close();
    }

    private static String event(String table, String op, long txId, long ts, String after) {
        return """
                {"before":null,"after":%s,"op":"%s","ts_ms":%d,
                 "source":{"schema":"public","table":"%s","txId":%d,"ts_ms":%d}}"""
                .formatted(after, op, ts, table, txId, ts);
    }

    private static String client(int id, String mail, int version) {
        return """
                {"client_no":%d,"mail":"%s","name":"Ann","phone":null,"town":"Oslo","row_version":%d}"""
                .formatted(id, mail, version);
    }

    private List<RecordChange> parse(String... events) throws Exception {
        for (String event : events) {
            harness.processElement(DebeziumJson.read(event), 0);
        }
        return harness.extractOutputValues();
    }

    @Test
    void typedValuesAreReadByTheEventsSchemaAndAValueOfAnotherTypeIsADeadLetter() throws Exception {
        var config = TestConfigs.offline(yaml -> yaml + "types: { phone: date }\n");
        harness.close();
        harness =
                ProcessFunctionTestHarnesses.forProcessFunction(
                        new ChangeParser(config, config.system("erp")));
        String schema =
                """
                {"type":"struct","fields":[{"field":"after","type":"struct","fields":[
                 {"field":"phone","type":"int32","name":"io.debezium.time.Date"}]}]}""";
        String dated =
                "{\"schema\":"
                        + schema
                        + ",\"payload\":"
                        + event(
                                "client",
                                "c",
                                1,
                                1,
                                client(1, "ann@example.com", 1)
                                        .replace("\"phone\":null", "\"phone\":19782"))
                        + "}";
        String text =
                event(
                        "client",
                        "c",
                        2,
                        2,
                        client(2, "bob@example.com", 1)
                                .replace("\"phone\":null", "\"phone\":\"soon\""));
        assertThat(parse(dated, text))
                .singleElement()
                .satisfies(c -> assertThat(c.values()[2]).isEqualTo("2024-02-29"));
        assertThat(harness.getSideOutput(DeadLetters.TAG))
                .extracting(r -> r.getValue().reason())
                .containsExactly("column 'phone' (attribute phone, date): not a date: 'soon'");
    }

    @Test
    void mapsARowIntoTheGlobalModel() throws Exception {
        RecordChange change =
                parse(event("client", "u", 7, 1_000, client(3, " Ann@Example.com", 4))).get(0);
        assertThat(change.kind()).isEqualTo(RecordChange.Kind.UPSERT);
        assertThat(change.localId()).isEqualTo("3");
        assertThat(change.matchKey()).isEqualTo("ann@example.com");
        assertThat(change.version()).isEqualTo(4L);
        assertThat(change.eventTime()).isEqualTo(1_000);
        assertThat(change.values()).containsExactly(" Ann@Example.com", "Ann", null, "Oslo");
        assertThat(change.byJob()).isFalse();
    }

    @Test
    void rowsOfTheJobsOwnTransactionCarryTheSourceTimesOfTheirValues() throws Exception {
        String payload = "{\"u\":{\"3\":[5,6,7,8]},\"i\":{\"bob@example.com\":[1,2,3,4]}}";
        String written = new ObjectMapper().writeValueAsString(Map.of("id", 0, "payload", payload));
        List<RecordChange> out =
                parse(
                        event("bidisync_writes", "u", 42, 2_000, written),
                        event("client", "u", 42, 2_000, client(3, "ann@example.com", 5)),
                        event("client", "c", 42, 2_000, client(9, "BOB@example.com", 1)),
                        event("client", "u", 43, 2_100, client(3, "ann@example.com", 6)));
        assertThat(out)
                .extracting(RecordChange::kind)
                .containsExactly(
                        RecordChange.Kind.HEARTBEAT,
                        RecordChange.Kind.UPSERT,
                        RecordChange.Kind.UPSERT,
                        RecordChange.Kind.UPSERT);
        assertThat(out.get(1).writtenAt()).containsExactly(5, 6, 7, 8);
        assertThat(out.get(2).writtenAt()).containsExactly(1, 2, 3, 4);
        assertThat(out.get(3).byJob()).as("a later transaction is someone else's").isFalse();
    }

    @Test
    void aCheckpointInsideTheJobsTransactionKeepsItsSourceTimes() throws Exception {
        String payload = "{\"u\":{\"3\":[5,6,7,8]},\"i\":{}}";
        String written = new ObjectMapper().writeValueAsString(Map.of("id", 0, "payload", payload));
        parse(event("bidisync_writes", "u", 42, 2_000, written));
        // The barrier arrives between the writes-table row and the rows of the transaction; the
        // job restarts from that checkpoint and the source resumes behind the writes-table row.
        OperatorSubtaskState checkpoint = harness.snapshot(1, 2_000);
        harness.close();
        var config = TestConfigs.offline();
        harness =
                new OneInputStreamOperatorTestHarness<>(
                        new ProcessOperator<>(new ChangeParser(config, config.system("erp"))));
        harness.initializeState(checkpoint);
        harness.open();

        List<RecordChange> out =
                parse(event("client", "u", 42, 2_000, client(3, "ann@example.com", 5)));

        assertThat(out)
                .singleElement()
                .satisfies(c -> assertThat(c.writtenAt()).containsExactly(5, 6, 7, 8));
    }

    @Test
    void badRecordsAreDeadLetteredAndTheRestGoesOn() throws Exception {
        List<RecordChange> out =
                parse(
                        "not json",
                        event("invoice", "c", 1, 1, "{}"),
                        event("client", "c", 1, 1, "{\"mail\":\"x@y.no\"}"),
                        event("client", "d", 1, 1, "null"),
                        event("bidisync_writes", "u", 1, 1, writesRow("{\"u\":{\"3\":[\"x\"]}}")),
                        event("client", "c", 2, 2, client(1, "ok@example.com", 1)));
        assertThat(out).singleElement().satisfies(c -> assertThat(c.localId()).isEqualTo("1"));
        assertThat(harness.getSideOutput(DeadLetters.TAG))
                .extracting(r -> r.getValue().reason())
                .satisfiesExactly(
                        r -> assertThat(r).startsWith("not valid JSON"),
                        r -> assertThat(r).startsWith("change of unknown table public.invoice"),
                        r ->
                                assertThat(r)
                                        .startsWith(
                                                "row has no value for primary key column 'client_no'"),
                        r -> assertThat(r).startsWith("no 'before' row image"),
                        r ->
                                assertThat(r)
                                        .startsWith(
                                                "writes table row is not valid JSON: expected"));
    }

    @Test
    void readsTheMySqlConnectorsEnvelopeWithItsSchemaPart() throws Exception {
        String event =
                """
                {"schema":{"type":"struct","fields":[]},
                 "payload":{"before":null,"after":%s,"op":"u","ts_ms":5100,
                  "source":{"connector":"mysql","db":"public","table":"client","ts_ms":5000,
                            "gtid":"0-1-77","file":"mysql-bin.000003","pos":154}}}"""
                        .formatted(client(3, "ann@example.com", 2));
        RecordChange change = parse(event).get(0);
        assertThat(change.kind()).isEqualTo(RecordChange.Kind.UPSERT);
        assertThat(change.localId()).isEqualTo("3");
        assertThat(change.eventTime()).isEqualTo(5_000);
    }

    @Test
    void theJobsTransactionIsRecognisedByGtid() throws Exception {
        String payload = "{\"u\":{\"3\":[5,6,7,8]},\"i\":{}}";
        String written = new ObjectMapper().writeValueAsString(Map.of("id", 0, "payload", payload));
        String template =
                """
                {"after":%s,"op":"%s","source":{"db":"public","table":"%s","ts_ms":2000,"gtid":"%s"}}""";
        List<RecordChange> out =
                parse(
                        template.formatted(written, "u", "bidisync_writes", "0-1-9"),
                        template.formatted(client(3, "ann@example.com", 5), "u", "client", "0-1-9"),
                        template.formatted(
                                client(3, "ann@example.com", 6), "u", "client", "0-1-10"));
        assertThat(out.get(1).writtenAt()).containsExactly(5, 6, 7, 8);
        assertThat(out.get(2).byJob()).isFalse();
    }

    @Test
    void debeziumHeartbeatsWithOrWithoutSchemaMoveTimeOnly() throws Exception {
        List<RecordChange> out =
                parse(
                        "{\"ts_ms\":7000}",
                        "{\"schema\":{\"type\":\"struct\"},\"payload\":{\"ts_ms\":8000}}");
        assertThat(out)
                .extracting(RecordChange::kind, RecordChange::eventTime)
                .containsExactly(
                        tuple(RecordChange.Kind.HEARTBEAT, 7_000L),
                        tuple(RecordChange.Kind.HEARTBEAT, 8_000L));
    }

    @Test
    void snapshotRowsCarryTimeZeroWhateverTheConnectorStamped() throws Exception {
        RecordChange change =
                parse(event("client", "r", 7, 123_456, client(3, "ann@example.com", 1))).get(0);
        assertThat(change.kind()).isEqualTo(RecordChange.Kind.SNAPSHOT);
        assertThat(change.commitTime()).isZero();
        // Debezium's stamp is when it read the row: what the golden stage waits for.
        assertThat(change.eventTime()).isEqualTo(123_456L);
    }

    @Test
    void aSnapshotRowWithoutAStampWasReadBeforeItWasParsed() throws Exception {
        long before = System.currentTimeMillis();
        RecordChange change =
                parse(event("client", "r", 7, 0, client(3, "ann@example.com", 1))).get(0);
        assertThat(change.commitTime()).isZero();
        assertThat(change.eventTime()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void theJobsNoticesAboutInsertsItDidNotMakeGoToTheirGoldenRecords() throws Exception {
        String payload = "{\"at\":1,\"h\":[\"ann@example.com\"],\"r\":[\"bob@example.com\"]}";
        String written =
                new ObjectMapper().writeValueAsString(Map.of("id", -1, "payload", payload));
        List<RecordChange> out = parse(event("bidisync_writes", "u", 9, 5_000, written));
        assertThat(out)
                .extracting(RecordChange::kind, RecordChange::matchKey, RecordChange::eventTime)
                .containsExactly(
                        tuple(RecordChange.Kind.HEARTBEAT, null, 5_000L),
                        tuple(RecordChange.Kind.INSERT_HELD, "ann@example.com", 5_000L),
                        tuple(RecordChange.Kind.INSERT_REJECTED, "bob@example.com", 5_000L));
        assertThat(out.get(1).recordKey()).isEqualTo("erp/+ann@example.com");
    }

    private static String writesRow(String payload) throws Exception {
        return new ObjectMapper().writeValueAsString(Map.of("id", 0, "payload", payload));
    }
}
