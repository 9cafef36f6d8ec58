package io.bidisync.job.sink;

import io.bidisync.job.golden.WriteIntent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A {@link WriteExecutor} over one prepared statement: keeps the intents of the batch in order, so
 * that the driver's update counts (one per intent, in the same order) can be paired with them.
 * Subclasses say how the statement is prepared, how an intent is bound, and what a count means.
 */
abstract class BatchedWriteExecutor implements WriteExecutor {
    private final List<WriteIntent> batch = new ArrayList<>();

    private PreparedStatement ps;

    /** Prepares this executor's statement on the connection. */
    abstract PreparedStatement prepare(Connection connection) throws SQLException;

    /** Binds every parameter of the statement for the intent. */
    abstract void bind(PreparedStatement statement, WriteIntent intent) throws SQLException;

    /** The outcomes of the executed batch: one per intent, from its update count. */
    abstract List<WriteOutcome> outcomes(
            PreparedStatement statement, List<WriteIntent> intents, int[] counts)
            throws SQLException;

    @Override
    public final void prepareStatements(Connection connection) throws SQLException {
        ps = prepare(connection);
    }

    @Override
    public final void addToBatch(WriteIntent intent) throws SQLException {
        bind(ps, intent);
        ps.addBatch();
        batch.add(intent);
    }

    @Override
    public final List<WriteOutcome> executeBatch() throws SQLException {
        try {
            return outcomes(ps, batch, ps.executeBatch());
        } finally {
            batch.clear();
        }
    }

    @Override
    public final void closeStatements() throws SQLException {
        batch.clear();
        if (ps != null) {
            PreparedStatement open = ps;
            ps = null;
            open.close();
        }
    }
}
