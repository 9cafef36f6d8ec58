package io.bidisync.job.database;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Properties;

/** PostgreSQL sessions: how the job connects, and who waits for a lock. */
record PostgresSessions(PostgresDialect dialect) implements Sessions {
    /**
     * Values are bound as untyped text ({@code stringtype=unspecified}), so the server converts
     * them to each column's type: attribute values travel through the job as text.
     */
    @Override
    public Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("stringtype", "unspecified");
        properties.setProperty("ApplicationName", Database.APPLICATION_NAME);
        properties.setProperty("connectTimeout", "10");
        return Database.open(new org.postgresql.Driver(), "PostgreSQL", url, properties);
    }

    @Override
    public int sessionsWaitingForLock(Connection connection) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity"
                                + " WHERE application_name = ? AND wait_event_type = 'Lock'")) {
            ps.setString(1, Database.APPLICATION_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
