package io.bidisync.job.sink;

import io.bidisync.job.golden.WriteIntent;
import io.bidisync.job.golden.WriteIntent.Operation;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a batch of write intents as one transaction: records it in the writes table first, then the
 * updates, the deletes and the inserts, each kind as one JDBC batch through its {@link
 * WriteExecutor}, and commits. Every statement is conditional, so re-running a transaction whose
 * commit may have happened is harmless: it finds its own version, or its own row.
 */
final class WriteTransaction {
    private final WritesTable writesTable;
    private final WriteExecutor updates;
    private final WriteExecutor deletes;
    private final WriteExecutor inserts;
    private final SqlStatements sql;

    WriteTransaction(SqlStatements sql, WritesTable writesTable) {
        this.sql = sql;
        this.writesTable = writesTable;
        this.updates = WriteExecutor.update(sql);
        this.deletes = WriteExecutor.delete(sql);
        this.inserts = WriteExecutor.insert(sql);
    }

    /**
     * Runs and commits the batch; on an exception nothing is committed and the caller rolls back.
     *
     * @return one outcome per intent: the updates', then the deletes', then the inserts'
     */
    List<WriteOutcome> run(Connection connection, List<WriteIntent> batch) throws SQLException {
        writesTable.mark(connection, batch, sql::insertKey);
        List<WriteOutcome> outcomes = new ArrayList<>(batch.size());
        outcomes.addAll(execute(updates, connection, only(Operation.UPDATE, batch)));
        outcomes.addAll(execute(deletes, connection, only(Operation.DELETE, batch)));
        outcomes.addAll(execute(inserts, connection, only(Operation.INSERT, batch)));
        connection.commit();
        return outcomes;
    }

    /** Runs the intents as one batch; prepares no statement for none. */
    private static List<WriteOutcome> execute(
            WriteExecutor executor, Connection connection, List<WriteIntent> intents)
            throws SQLException {
        if (intents.isEmpty()) {
            return List.of();
        }
        executor.prepareStatements(connection);
        List<WriteOutcome> outcomes;
        try {
            for (WriteIntent intent : intents) {
                executor.addToBatch(intent);
            }
            outcomes = executor.executeBatch();
        } catch (SQLException | RuntimeException e) {
            // As try-with-resources would: the failure counts, a failing close is added to it.
            try {
                executor.closeStatements();
            } catch (SQLException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        executor.closeStatements();
        return outcomes;
    }

    private static List<WriteIntent> only(Operation operation, List<WriteIntent> batch) {
        List<WriteIntent> intents = new ArrayList<>();
        for (WriteIntent intent : batch) {
            if (intent.operation() == operation) {
                intents.add(intent);
            }
        }
        return intents;
    }
}
