package io.bidisync.job.sink;

import io.bidisync.job.golden.WriteIntent;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs guarded INSERTs as one batch: a row is inserted only if no row has the same normalised match
 * key. The driver returns the generated keys of the rows that were inserted, in order, so a count
 * of 1 takes the next key (or the key its values give) and a count of 0 was blocked.
 */
final class GuardedInsertExecutor extends BatchedWriteExecutor {
    private final String statement;
    private final SqlStatements sql;

    GuardedInsertExecutor(SqlStatements sql) {
        this.statement = sql.insert();
        this.sql = sql;
    }

    @Override
    PreparedStatement prepare(Connection connection) throws SQLException {
        return connection.prepareStatement(statement, Statement.RETURN_GENERATED_KEYS);
    }

    @Override
    void bind(PreparedStatement ps, WriteIntent intent) throws SQLException {
        int p = sql.values().bind(ps, 1, intent.values());
        for (String key : sql.guardParameters(intent)) {
            ps.setString(p++, key);
        }
    }

    @Override
    List<WriteOutcome> outcomes(PreparedStatement ps, List<WriteIntent> intents, int[] counts)
            throws SQLException {
        List<WriteOutcome> outcomes = new ArrayList<>(intents.size());
        try (ResultSet keys = ps.getGeneratedKeys()) {
            for (int i = 0; i < intents.size(); i++) {
                String key =
                        counts[i] > 0 ? sql.key().inserted(intents.get(i).values(), keys) : null;
                outcomes.add(new WriteOutcome(intents.get(i), counts[i], key));
            }
        }
        return outcomes;
    }
}
