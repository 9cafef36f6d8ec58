package io.bidisync.job.audit;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.util.List;

/**
 * Stores audit entries in the configured audit table, one batch per call. An entry that cannot be
 * stored is logged instead (a WARN line each): the audit never stops the sync.
 *
 * <p>Used on the task's own thread; it opens its connection when first needed.
 */
public final class AuditLog implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);

    private final SystemConfig database;
    private final String insertSql;

    private transient Connection connection;

    private AuditLog(SystemConfig database, String insertSql) {
        this.database = database;
        this.insertSql = insertSql;
    }

    /** The audit log of {@code config}, or {@code null} when the audit is off. */
    public static AuditLog of(SyncConfig config) {
        return config.audit() == null
                ? null
                : new AuditLog(
                        config.system(config.audit().system()), JobTables.insertAuditSql(config));
    }

    public void record(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            if (connection == null || connection.isClosed()) {
                connection = Database.connect(database);
            }
            try (PreparedStatement ps = connection.prepareStatement(insertSql)) {
                for (AuditEntry e : entries) {
                    if (e.eventTime() == Long.MAX_VALUE) {
                        ps.setNull(1, Types.BIGINT);
                    } else {
                        ps.setLong(1, e.eventTime());
                    }
                    ps.setString(2, e.goldenId());
                    ps.setString(3, e.system());
                    ps.setString(4, e.row());
                    ps.setString(5, e.action());
                    ps.setString(6, e.expectedVersion());
                    ps.setString(7, e.resultingVersion());
                    ps.setString(8, e.reason());
                    ps.setString(9, e.detail());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        } catch (SQLException e) {
            LOG.warn(
                    "{} audit entries kept in the log only: cannot store them in system {} ({})",
                    entries.size(),
                    database.name(),
                    e.getMessage());
            entries.forEach(entry -> LOG.warn("Audit: {}", entry));
            Database.closeQuietly(connection);
            connection = null;
        }
    }

    @Override
    public void close() {
        Database.closeQuietly(connection);
        connection = null;
    }
}
