package io.bidisync.job.database;

import io.bidisync.job.config.SystemConfig;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/** Opens JDBC connections to a system's database with the configured credentials. */
public final class Database {
    /** The application name of the job's sessions, as {@code pg_stat_activity} shows them. */
    public static final String APPLICATION_NAME = "bidisync";

    private Database() {}

    /** How many of the job's sessions are waiting for a row lock right now (diagnostics, demo). */
    public static int sessionsWaitingForLock(Connection connection) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity"
                                + " WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            ps.setString(1, APPLICATION_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    /**
     * Opens a connection. Values are bound as untyped text ({@code stringtype=unspecified}), so the
     * server converts them to each column's type: attribute values travel through the job as text.
     */
    public static Connection connect(SystemConfig system) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", system.username());
        if (system.password() != null) {
            String password = system.password().reveal();
            if (password == null) {
                throw new SQLException(
                        "systems."
                                + system.name()
                                + ".connection.password: environment variable "
                                + system.password().environmentVariable()
                                + " is not set");
            }
            properties.setProperty("password", password);
        }
        properties.setProperty("stringtype", "unspecified");
        properties.setProperty("ApplicationName", APPLICATION_NAME);
        properties.setProperty("connectTimeout", "10");
        return DriverManager.getConnection(system.url(), properties);
    }
}
