package io.bidisync.job.sink;

import io.bidisync.job.golden.WriteIntent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs conditional UPDATEs or DELETEs as one batch: {@code WHERE} every key column matches and the
 * row still has the version last seen (or, without a version column, every mapped value last seen).
 * An update count of 0 is a conflict, reported and not retried: the newer row arrives through CDC.
 */
final class ConditionalWriteExecutor extends BatchedWriteExecutor {
    private final String statement;
    private final boolean setsValues;
    private final boolean versioned;
    private final ValueBinder set;
    private final ValueBinder values;
    private final KeyBinder key;

    /**
     * @param statement the UPDATE or DELETE of {@link SqlStatements}
     * @param setsValues whether the statement's first parameters are the row's new values (UPDATE)
     */
    ConditionalWriteExecutor(String statement, boolean setsValues, SqlStatements sql) {
        this.statement = statement;
        this.setsValues = setsValues;
        this.versioned = sql.versioned();
        this.set = sql.updatedValues();
        this.values = sql.values();
        this.key = sql.key();
    }

    @Override
    PreparedStatement prepare(Connection connection) throws SQLException {
        return connection.prepareStatement(statement);
    }

    @Override
    void bind(PreparedStatement ps, WriteIntent intent) throws SQLException {
        int p = setsValues ? set.bind(ps, 1, intent.values()) : 1;
        p = key.bind(ps, p, intent.localId());
        if (versioned) {
            if (intent.expectedVersion() == null) {
                ps.setNull(p, Types.BIGINT);
            } else {
                ps.setLong(p, intent.expectedVersion());
            }
        } else {
            values.bind(ps, p, intent.expectedValues());
        }
    }

    @Override
    List<WriteOutcome> outcomes(PreparedStatement ps, List<WriteIntent> intents, int[] counts) {
        List<WriteOutcome> outcomes = new ArrayList<>(intents.size());
        for (int i = 0; i < intents.size(); i++) {
            outcomes.add(new WriteOutcome(intents.get(i), counts[i], intents.get(i).localId()));
        }
        return outcomes;
    }
}
