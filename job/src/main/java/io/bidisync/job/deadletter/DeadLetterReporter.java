package io.bidisync.job.deadletter;

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
import java.sql.Timestamp;

/**
 * Reports dead letters: always to the log, one line each; and, when the configuration names a
 * dead-letter table, also as a row there (time, system, key, operation, reason, payload), or when
 * it names a dead-letter topic, as a message there. One that cannot be stored is still in the log:
 * nothing is lost, and the job keeps running.
 *
 * <p>Used on the task's own thread by whoever dead-letters (the writers, the dead-letter sink); it
 * opens its connection when first needed.
 */
public final class DeadLetterReporter implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterReporter.class);

    private final SystemConfig database;
    private final String insertSql;

    private final DeadLetterProducer topic;

    private transient Connection connection;

    public DeadLetterReporter(SyncConfig config) {
        this.topic =
                config.deadLetterTopic() == null
                        ? null
                        : new DeadLetterProducer(config.deadLetterTopic());
        SyncConfig.DeadLetterTable table = config.deadLetterTable();
        this.database = table == null ? null : config.system(table.system());
        this.insertSql = table == null ? null : JobTables.insertDeadLetterSql(config);
    }

    public void report(DeadLetter deadLetter) {
        DeadLetterLog.report(deadLetter);
        if (topic != null) {
            topic.send(deadLetter);
        }
        if (insertSql == null) {
            return;
        }
        try {
            if (connection == null || connection.isClosed()) {
                connection = Database.connect(database);
            }
            try (PreparedStatement ps = connection.prepareStatement(insertSql)) {
                ps.setTimestamp(1, new Timestamp(deadLetter.time()));
                ps.setString(2, deadLetter.system());
                ps.setString(3, deadLetter.key());
                ps.setString(4, deadLetter.operation());
                ps.setString(5, deadLetter.reason());
                ps.setString(6, deadLetter.payload());
                ps.executeUpdate();
            }
        } catch (SQLException e) {
            LOG.warn(
                    "Dead letter kept in the log only: cannot store it in system {} ({})",
                    database.name(),
                    e.getMessage());
            closeConnection();
        }
    }

    @Override
    public void close() {
        if (topic != null) {
            topic.close();
        }
        closeConnection();
    }

    private void closeConnection() {
        Database.closeQuietly(connection);
        connection = null;
    }
}
