package io.bidisync.job.sink;

import io.bidisync.job.golden.WriteIntent;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/**
 * Executes one kind of write as a JDBC batch: the seam between the intents the writer holds and the
 * statements that write them, after flink-connector-jdbc's {@code JdbcBatchStatementExecutor}. One
 * implementation per statement kind: {@link ConditionalWriteExecutor} (UPDATE, DELETE) and {@link
 * GuardedInsertExecutor} (INSERT), each with its SQL from {@link SqlStatements}.
 *
 * <p>Statements live for one transaction ({@link WriteTransaction} prepares them, adds the intents,
 * executes and closes them): a retried flush may run on a new connection. Not thread-safe; the task
 * thread is the only user.
 */
interface WriteExecutor {
    /** Prepares the statement on the connection the transaction runs on. */
    void prepareStatements(Connection connection) throws SQLException;

    /** Binds the intent's parameters and adds it to the batch. */
    void addToBatch(WriteIntent intent) throws SQLException;

    /**
     * Executes the batch (not committing it) and empties it.
     *
     * @return one outcome per intent added, in the order added
     */
    List<WriteOutcome> executeBatch() throws SQLException;

    /** Closes the statement; {@link #prepareStatements} may open it again. */
    void closeStatements() throws SQLException;

    /** The conditional UPDATE: applies only where the row is as last seen. */
    static WriteExecutor update(SqlStatements sql) {
        return new ConditionalWriteExecutor(sql.update(), true, sql);
    }

    /** The conditional DELETE: applies only where the row is as last seen. */
    static WriteExecutor delete(SqlStatements sql) {
        return new ConditionalWriteExecutor(sql.delete(), false, sql);
    }

    /** The guarded INSERT: applies only where no row has the match key; returns the new key. */
    static WriteExecutor insert(SqlStatements sql) {
        return new GuardedInsertExecutor(sql);
    }
}
