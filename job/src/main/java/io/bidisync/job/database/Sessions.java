package io.bidisync.job.database;

import java.sql.Connection;
import java.sql.SQLException;

/** How the job's sessions are opened in a dialect, and who waits for a row lock. */
public interface Sessions {
    /** The dialect these sessions speak. */
    SqlDialect dialect();

    /** Opens a connection with the job's session settings. */
    Connection connect(String url, String user, String password) throws SQLException;

    /** How many sessions are waiting for a row lock right now (diagnostics, demo, tests). */
    int sessionsWaitingForLock(Connection connection) throws SQLException;
}
