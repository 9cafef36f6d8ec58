package io.bidisync.job.sink;

import java.sql.SQLException;

/**
 * How the writer tells database errors apart and names them in logs, exceptions and dead letters.
 * (Which errors are about the data is the dialect's call: {@code SqlDialect#isDataError}.)
 */
final class SqlErrors {
    private SqlErrors() {}

    /**
     * The database is down or not taking connections (class 08 connection exception, 53
     * insufficient resources, 57P operator intervention such as a shutdown): worth waiting for.
     */
    static boolean isUnreachable(SQLException e) {
        String state = e.getSQLState();
        return state != null
                && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57P"));
    }

    /**
     * The SQLState and message of the error; of the batch's first failing statement where the
     * driver chains it (a batch's own message often says only that the batch failed).
     */
    static String describe(SQLException e) {
        SQLException cause = e.getNextException() != null ? e.getNextException() : e;
        return "SQLState " + cause.getSQLState() + ": " + cause.getMessage();
    }
}
