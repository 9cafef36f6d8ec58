package io.bidisync.job.source;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's own write transaction the change stream is in the middle of, as its writes-table row
 * announced it: the rows that follow in the same transaction are the job's writes, and their values
 * are as old as the row says they are at their source (not as new as the commit).
 */
final class JobTransaction {
    /**
     * Payloads are read token by token: one arrives per write transaction, with an entry per row
     * written, so building a JSON tree of it first cost as much as the rows' own decoding. Its
     * field names are row keys, each seen once: not worth Jackson's interning of names.
     */
    private static final JsonFactory JSON =
            JsonFactory.builder().disable(JsonFactory.Feature.CANONICALIZE_FIELD_NAMES).build();

    /** What a writes-table payload says besides its rows' times. */
    record Written(String entity, List<String> held, List<String> rejected) {}

    /** The transaction's id, or null when the stream is not in one of the job's transactions. */
    private String id;

    /** Its writes-table payload (what a checkpoint keeps). */
    private String payload;

    /** Source times of the values it writes: updated rows by primary key. */
    private Map<String, long[]> updates = Map.of();

    /** Source times of the values it writes: inserted rows by match key. */
    private Map<String, long[]> inserts = Map.of();

    /**
     * The job's transaction {@code id} begins with this writes-table payload; returns what else the
     * payload says.
     *
     * @throws IllegalArgumentException when the payload is not JSON of the writes table's shape
     */
    Written begin(String id, String payload) {
        Map<String, long[]> updated = new HashMap<>();
        Map<String, long[]> inserted = new HashMap<>();
        String entity = null;
        List<String> held = new ArrayList<>();
        List<String> rejected = new ArrayList<>();
        try (JsonParser p = JSON.createParser(payload)) {
            expect(p.nextToken(), JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken value = p.nextToken();
                switch (field) {
                    case "e" -> entity = value == JsonToken.VALUE_NULL ? null : p.getText();
                    case "u" -> times(p, value, updated);
                    case "i" -> times(p, value, inserted);
                    case "h" -> texts(p, value, held);
                    case "r" -> texts(p, value, rejected);
                    default -> p.skipChildren();
                }
            }
            expect(p.currentToken(), JsonToken.END_OBJECT);
        } catch (IOException e) {
            String problem =
                    e instanceof JsonProcessingException json
                            ? json.getOriginalMessage()
                            : e.getMessage();
            throw new IllegalArgumentException("writes table row is not valid JSON: " + problem, e);
        }
        this.id = id;
        this.payload = payload;
        this.updates = updated;
        this.inserts = inserted;
        return new Written(entity, held, rejected);
    }

    /**
     * For a row of transaction {@code transaction}: the source times of its values if the job wrote
     * it, else none. Transactions arrive one after the other: a row of another one ends the job's.
     */
    long[] writtenAt(String transaction, String op, String localId, String key) {
        if (id == null || !id.equals(transaction)) {
            id = null;
            return new long[0];
        }
        long[] times = op.equals("c") ? inserts.get(key) : updates.get(localId);
        return times == null ? new long[0] : times;
    }

    /** The transaction's id, or null. */
    String id() {
        return id;
    }

    /** What a checkpoint keeps: the id and the payload, or nothing. */
    List<String> checkpoint() {
        return id == null ? List.of() : List.of(id, payload);
    }

    /** Continues the transaction a checkpoint kept ({@link #checkpoint}). */
    void restore(List<String> kept) {
        if (kept.size() == 2) {
            begin(kept.get(0), kept.get(1));
        }
    }

    /** An object of arrays of numbers: times by key. */
    private static void times(JsonParser p, JsonToken start, Map<String, long[]> out)
            throws IOException {
        expect(start, JsonToken.START_OBJECT);
        long[] buffer = new long[8];
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String key = p.currentName();
            expect(p.nextToken(), JsonToken.START_ARRAY);
            int n = 0;
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                expect(t, JsonToken.VALUE_NUMBER_INT);
                if (n == buffer.length) {
                    buffer = Arrays.copyOf(buffer, 2 * n);
                }
                buffer[n++] = p.getLongValue();
            }
            out.put(key, Arrays.copyOf(buffer, n));
        }
    }

    /** An array of strings. */
    private static void texts(JsonParser p, JsonToken start, List<String> out) throws IOException {
        expect(start, JsonToken.START_ARRAY);
        for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
            expect(t, JsonToken.VALUE_STRING);
            out.add(p.getText());
        }
    }

    private static void expect(JsonToken token, JsonToken expected) throws IOException {
        if (token != expected) {
            throw new IOException("expected " + expected + " but found " + token);
        }
    }
}
