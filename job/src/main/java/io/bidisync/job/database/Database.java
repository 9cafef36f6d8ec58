package io.bidisync.job.database;

import io.bidisync.job.config.SystemConfig;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/** Opens JDBC connections to a system's database with the configured credentials. */
public final class Database {
    private static final Logger LOG = LoggerFactory.getLogger(Database.class);

    /** The application name of the job's sessions, as {@code pg_stat_activity} shows them. */
    public static final String APPLICATION_NAME = "bidisync";

    private Database() {}

    /**
     * How many of the job's sessions are waiting for a row lock right now (diagnostics, demo); in
     * MySQL/MariaDB any session's.
     */
    public static int sessionsWaitingForLock(Connection connection) throws SQLException {
        SqlDialect dialect = SqlDialect.forUrl(connection.getMetaData().getURL());
        return (dialect == null ? SqlDialect.POSTGRES : dialect)
                .sessions()
                .sessionsWaitingForLock(connection);
    }

    /** Opens a connection to the system's database, with the session settings of its dialect. */
    public static Connection connect(SystemConfig system) throws SQLException {
        String password = null;
        if (system.password() != null) {
            password = system.password().reveal();
            if (password == null) {
                throw new SQLException(
                        "systems."
                                + system.name()
                                + ".connection.password: environment variable "
                                + system.password().environmentVariable()
                                + " is not set");
            }
        }
        return SqlDialect.of(system).sessions().connect(system.url(), system.username(), password);
    }

    /**
     * Opens a connection through {@code driver} itself, not through DriverManager: on a Flink
     * cluster the job's classes are loaded by a class loader of their own, whose copy of the driver
     * DriverManager registers only once something has loaded it; until then it answers "No suitable
     * driver" (08001), which the writers took for an outage at every start.
     *
     * @param name the driver's name, for the error when it does not take {@code url}
     */
    static Connection open(Driver driver, String name, String url, Properties properties)
            throws SQLException {
        Connection connection = driver.connect(url, properties);
        if (connection == null) {
            throw new SQLException(
                    "the " + name + " driver does not accept the URL " + url, "08001");
        }
        return connection;
    }

    /** How many rows the system's synced table holds now. */
    public static long rowCount(Connection connection, SystemConfig system) throws SQLException {
        try (PreparedStatement st =
                        connection.prepareStatement(
                                "SELECT count(*) FROM "
                                        + SqlDialect.of(system).quote(system.table()));
                ResultSet rs = st.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Closes a connection that may be broken or {@code null}; a failure only goes to DEBUG. */
    public static void closeQuietly(Connection connection) {
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException e) {
            LOG.debug("close failed", e);
        }
    }
}
