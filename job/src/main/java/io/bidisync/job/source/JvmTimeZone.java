package io.bidisync.job.source;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.TimeZone;

/**
 * Makes the TaskManager's JVM run in UTC before a PostgreSQL CDC reader starts.
 *
 * <p>The connector reads the initial snapshot through the JDBC driver's {@code java.sql.Date},
 * {@code Time} and {@code Timestamp}, which pass through the JVM's default time zone: outside UTC,
 * a timestamp in a daylight-saving gap or before the zone's standard offset shifts, and a time with
 * a fraction of a second fails to convert and is read as NULL (Debezium 1.9.8). In UTC every value
 * reads as it is. Deployments start TaskManagers with {@code -Duser.timezone=UTC}; a JVM started
 * otherwise is switched here, once, with a warning (on a shared session cluster other jobs in that
 * JVM see UTC too).
 */
final class JvmTimeZone {
    private static final Logger LOG = LoggerFactory.getLogger(JvmTimeZone.class);

    private JvmTimeZone() {}

    static synchronized void requireUtc() {
        TimeZone zone = TimeZone.getDefault();
        if (!zone.getID().equals("UTC")) {
            LOG.warn(
                    "JVM time zone is {}: switched to UTC so the CDC snapshot reads dates and times"
                            + " exactly (start TaskManagers with -Duser.timezone=UTC)",
                    zone.getID());
            TimeZone.setDefault(TimeZone.getTimeZone("UTC"));
        }
    }
}
