package io.bidisync.job.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * MySQL and MariaDB sessions: how the job connects (isolation, sql_mode), and who waits for a lock.
 */
record MySqlSessions(MySqlDialect dialect) implements Sessions {
    /**
     * Opens a connection through the MariaDB driver (also for {@code jdbc:mysql:} URLs, which it
     * accepts with {@code permitMysqlScheme}), with the session settings the writes rely on:
     *
     * <ul>
     *   <li>REPEATABLE READ, so the guarded INSERT's read is a locking read (above);
     *   <li>STRICT_ALL_TABLES added to the session's {@code sql_mode}, so a value the column cannot
     *       hold fails (and is dead-lettered) instead of being cut or zeroed;
     *   <li>found rows, not changed rows, as update counts ({@code useAffectedRows=false}), so an
     *       UPDATE that matches its version but changes no value still counts as applied;
     *   <li>no bulk batches, which report no per-statement counts.
     * </ul>
     */
    @Override
    public Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10000");
        properties.setProperty("useAffectedRows", "false");
        properties.setProperty("useBulkStmts", "false");
        properties.setProperty("useBulkStmtsForInserts", "false");
        properties.setProperty("connectionAttributes", "program_name:" + Database.APPLICATION_NAME);
        String driverUrl = url;
        if (url.startsWith("jdbc:mysql:") && !url.contains("permitMysqlScheme")) {
            driverUrl = url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
        }
        Connection connection =
                Database.open(new org.mariadb.jdbc.Driver(), "MariaDB", driverUrl, properties);
        try (Statement s = connection.createStatement()) {
            s.execute(
                    "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')");
            // timestamp columns hold instants: the job writes them in UTC, as Debezium reads them.
            s.execute("SET SESSION time_zone = '+00:00'");
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** Any session's, not only the job's: InnoDB does not know the client's program name. */
    @Override
    public int sessionsWaitingForLock(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*) FROM information_schema.INNODB_TRX"
                                        + " WHERE trx_state = 'LOCK WAIT'")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
