package io.bidisync.job.sink;

import io.bidisync.job.database.JobTables;
import io.bidisync.job.golden.WriteIntent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.function.Function;

/**
 * The writer's row in its system's writes table ({@link JobTables}), one per writer subtask. Every
 * write transaction first records there what it writes, and the writer records there the inserts
 * the database rejected; the job reads both back through the change stream, which is how it tells
 * its own changes from everyone else's and learns which inserts not to send again.
 *
 * <p>Payloads are JSON: {@code {"at": stamp, "u": {row key: [value times]}, "i": {match key: [value
 * times]}}} for a transaction, {@code {"at": stamp, "r": [match keys]}} for rejected inserts; in a
 * job of several entity types they name the writer's entity type ({@code "e"}), as the writers of
 * all entity types share the table.
 */
final class WritesTable implements OutcomeReporter.RejectedInsertsNotice {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String upsertSql;
    private final String entity;
    private final int subtask;
    private final WriterSession session;

    /**
     * @param upsertSql {@link JobTables#markWritesSql}: parameters the writer's id and the payload
     * @param entity the writer's entity type; {@code null} in a job of one entity type
     * @param subtask the writer's id: its row
     * @param session where the rejected-inserts notice is written
     */
    WritesTable(String upsertSql, String entity, int subtask, WriterSession session) {
        this.upsertSql = upsertSql;
        this.entity = entity;
        this.subtask = subtask;
        this.session = session;
    }

    /**
     * Records the transaction, first, so its change precedes the rows it describes in the change
     * stream: updated rows by primary key, inserted rows by match key, each with the source times
     * of the written values. Does not commit: it is part of the caller's transaction.
     */
    void mark(
            Connection connection, List<WriteIntent> batch, Function<WriteIntent, String> insertKey)
            throws SQLException {
        upsert(connection, markPayload(batch, System.nanoTime(), entity, insertKey));
    }

    /**
     * Tells the golden stage, in a transaction of its own, which inserts the database rejected, so
     * that it does not send them again.
     */
    @Override
    public void send(List<String> goldenKeys) throws SQLException {
        try {
            Connection connection = session.connection();
            upsert(connection, rejectedPayload(goldenKeys, System.nanoTime(), entity));
            connection.commit();
        } catch (SQLException e) {
            session.rollbackQuietly();
            throw e;
        }
    }

    /**
     * The payload recording a transaction. The stamp keeps any two payloads apart: MySQL logs no
     * change for an UPDATE that changes nothing, and the row must reach the change stream with
     * every transaction.
     */
    static String markPayload(List<WriteIntent> batch, long stamp, String entity) {
        return markPayload(batch, stamp, entity, WriteIntent::goldenKey);
    }

    /** The payload, naming each insert by {@code insertKey} (its match key in the target). */
    static String markPayload(
            List<WriteIntent> batch,
            long stamp,
            String entity,
            Function<WriteIntent, String> insertKey) {
        ObjectNode payload = payload(stamp, entity);
        ObjectNode updates = payload.putObject("u");
        ObjectNode inserts = payload.putObject("i");
        for (WriteIntent intent : batch) {
            ObjectNode target =
                    switch (intent.operation()) {
                        case UPDATE -> updates;
                        case INSERT -> inserts;
                        case DELETE -> null;
                    };
            if (target != null) {
                ArrayNode times =
                        target.putArray(
                                intent.operation() == WriteIntent.Operation.INSERT
                                        ? insertKey.apply(intent)
                                        : intent.localId());
                for (long t : intent.valueTimes()) {
                    times.add(t);
                }
            }
        }
        return payload.toString();
    }

    /** The payload naming the golden records whose inserts the database rejected. */
    static String rejectedPayload(List<String> goldenKeys, long stamp, String entity) {
        ObjectNode payload = payload(stamp, entity);
        ArrayNode rejected = payload.putArray("r");
        goldenKeys.forEach(rejected::add);
        return payload.toString();
    }

    private static ObjectNode payload(long stamp, String entity) {
        ObjectNode payload = JSON.createObjectNode();
        payload.put("at", stamp);
        if (entity != null) {
            payload.put("e", entity);
        }
        return payload;
    }

    private void upsert(Connection connection, String payload) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(upsertSql)) {
            ps.setInt(1, subtask);
            ps.setString(2, payload);
            ps.executeUpdate();
        }
    }
}
