package io.bidisync.job.source;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The job's own write transaction the change stream is in the middle of, as its writes-table row
 * announced it: the rows that follow in the same transaction are the job's writes, and their values
 * are as old as the row says they are at their source (not as new as the commit).
 */
final class JobTransaction {
    private final ObjectMapper json = new ObjectMapper();

    /** The transaction's id, or null when the stream is not in one of the job's transactions. */
    private String id;

    /** Its writes-table payload (what a checkpoint keeps). */
    private String payload;

    /** Source times of the values it writes: updated rows by primary key. */
    private Map<String, long[]> updates = Map.of();

    /** Source times of the values it writes: inserted rows by match key. */
    private Map<String, long[]> inserts = Map.of();

    /**
     * The job's transaction {@code id} begins with this writes-table payload; returns the payload
     * read.
     *
     * @throws IllegalArgumentException when the payload is not JSON
     */
    JsonNode begin(String id, String payload) {
        JsonNode written;
        try {
            written = json.readTree(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(
                    "writes table row is not valid JSON: " + e.getOriginalMessage(), e);
        }
        this.id = id;
        this.payload = payload;
        this.updates = times(written.path("u"));
        this.inserts = times(written.path("i"));
        return written;
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

    private static Map<String, long[]> times(JsonNode byKey) {
        Map<String, long[]> out = new HashMap<>();
        byKey.fields()
                .forEachRemaining(
                        e -> {
                            long[] times = new long[e.getValue().size()];
                            for (int i = 0; i < times.length; i++) {
                                times[i] = e.getValue().get(i).asLong();
                            }
                            out.put(e.getKey(), times);
                        });
        return out;
    }
}
