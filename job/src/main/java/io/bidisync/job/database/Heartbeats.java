package io.bidisync.job.database;

import io.bidisync.job.config.SqlIdentifier;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.TableName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The heartbeat table of a source database (DESIGN §4): one row the job updates every heartbeat
 * interval, captured by the CDC source along with the synced table, so even a source without
 * business traffic delivers commit-time-stamped changes and its watermark keeps moving.
 */
public final class Heartbeats {
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeats.class);

    private Heartbeats() {}

    /** {@code "schema"."bidisync_heartbeat"} for the system's table schema. */
    public static String table(SyncConfig config, SystemConfig system) {
        return SqlIdentifier.quote(system.table().schema())
                + "."
                + SqlIdentifier.quote(config.completeness().heartbeatTable());
    }

    /** The statement that writes one heartbeat; it stamps the database's own clock. */
    public static String beatSql(SyncConfig config, SystemConfig system) {
        return "UPDATE " + table(config, system) + " SET ts = now() WHERE id = 1";
    }

    /** Creates every system's heartbeat table and row where missing (before the job starts). */
    public static void ensureTables(SyncConfig config) throws SQLException {
        for (SystemConfig system : config.systems().values()) {
            ensureTable(config, system);
        }
    }

    /** Creates the heartbeat table and its row if missing, and says so in the log. */
    public static void ensureTable(SyncConfig config, SystemConfig system) throws SQLException {
        String table = table(config, system);
        try (Connection c = Database.connect(system);
                Statement s = c.createStatement()) {
            TableName name =
                    new TableName(system.table().schema(), config.completeness().heartbeatTable());
            boolean existed = TableColumns.read(c, name).exists();
            s.execute(
                    "CREATE TABLE IF NOT EXISTS "
                            + table
                            + " (id integer PRIMARY KEY, ts timestamptz NOT NULL DEFAULT now())");
            int rows =
                    s.executeUpdate(
                            "INSERT INTO "
                                    + table
                                    + " (id) VALUES (1) ON CONFLICT (id) DO NOTHING");
            if (!existed || rows > 0) {
                LOG.info("Created heartbeat table {} in system {}", table, system.name());
            }
        }
    }
}
