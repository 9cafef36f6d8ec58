package io.bidisync.job.safety;

import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.golden.WriteIntent;

import java.io.Serializable;
import java.sql.SQLException;
import java.util.List;

/**
 * Where the mass-change breaker reports and where operators answer it: a system's database ({@link
 * JdbcBreakerControl}) in the job; a fake in tests. Every call may fail while the database is away;
 * the breaker then tries again at its next poll.
 */
interface BreakerControl extends AutoCloseable {

    /** Makes the control of one breaker subtask. */
    @FunctionalInterface
    interface Factory extends Serializable {
        BreakerControl create(int subtask);
    }

    /** The breaker of {@code system} tripped at {@code limit}; nothing is confirmed yet. */
    void tripped(SystemConfig system, long limit) throws SQLException;

    /**
     * Writes held since the last report (one per target row, the newest), and how many are held in
     * all; held inserts are also told to the golden stage, so it waits instead of sending them
     * again.
     */
    void held(SystemConfig system, List<WriteIntent> writes, long total) throws SQLException;

    /** Whether an operator confirmed the held writes ({@code bidisync confirm}). */
    boolean confirmed(SystemConfig system) throws SQLException;

    /** The held writes went out: the report ends. */
    void released(SystemConfig system) throws SQLException;

    /** How many rows the system's table holds (the base of a percentage limit). */
    long rows(SystemConfig system) throws SQLException;

    /** Drops what a failed call may have left broken (a connection), before the next try. */
    void reset(SystemConfig system);

    @Override
    void close();
}
