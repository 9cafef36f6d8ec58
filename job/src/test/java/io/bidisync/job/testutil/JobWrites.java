package io.bidisync.job.testutil;

import io.bidisync.embedded.LocalPostgres;

import org.assertj.core.api.Assertions;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Counts the job's own inserts and updates of one PostgreSQL table (its sessions are named
 * bidisync), so a test can say how many writes convergence took and that none follow it.
 */
public final class JobWrites {
    private JobWrites() {}

    /** The counter's table, function and trigger on {@code table}. */
    public static String counter(String table) {
        return " CREATE TABLE job_writes (n bigserial);"
                + " CREATE FUNCTION job_write() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                + " IF current_setting('application_name') = 'bidisync' THEN"
                + " INSERT INTO job_writes DEFAULT VALUES; END IF; RETURN NULL; END $$;"
                + " CREATE TRIGGER job_write AFTER INSERT OR UPDATE ON "
                + table
                + " FOR EACH ROW EXECUTE FUNCTION job_write();";
    }

    /** The job's writes counted in the database so far. */
    public static long count(LocalPostgres server, String database) throws SQLException {
        try (Connection c = server.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM job_writes")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How long the matrix tests watch for writes after convergence. */
    public static final Duration QUIET_MINUTE = Duration.ofMinutes(1);

    /** How long the other tests watch. */
    public static final Duration QUIET = Duration.ofSeconds(10);

    /** The job writes nothing for a while: every write it made came back as an echo. */
    public static void assertQuiet(
            LocalPostgres one, LocalPostgres other, String database, long writes, Duration quiet)
            throws Exception {
        Thread.sleep(quiet.toMillis());
        Assertions.assertThat(count(one, database) + count(other, database))
                .as("the job's writes after convergence")
                .isEqualTo(writes);
    }
}
