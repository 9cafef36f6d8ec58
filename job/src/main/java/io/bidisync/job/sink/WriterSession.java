package io.bidisync.job.sink;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * The writer's one connection to its system's database, and the one place the writer opens it:
 * {@link Database#connect} applies the dialect's session settings (isolation level, MySQL's {@code
 * sql_mode}), and auto-commit is off, as every write is a transaction of its own. Batches, the
 * rejected-inserts notice and heartbeats share it; all run on the task thread.
 *
 * <p>A broken connection is closed and opened again on next use. The first connection also reads
 * the table's columns, from which the {@link SqlStatements} are built once.
 */
final class WriterSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(WriterSession.class);

    private final SyncConfig config;
    private final SystemConfig system;

    private Connection connection;
    private SqlStatements statements;

    private WriterSession(SyncConfig config, SystemConfig system) {
        this.config = config;
        this.system = system;
    }

    /**
     * A session for the system, connected unless the database is unreachable: one that is down when
     * the job (re)starts is an outage like any other, and the first flush waits for it.
     *
     * @throws IOException if connecting fails for another reason (credentials, a missing table)
     */
    static WriterSession open(SyncConfig config, SystemConfig system) throws IOException {
        WriterSession session = new WriterSession(config, system);
        try {
            session.connection();
        } catch (SQLException e) {
            if (!SqlErrors.isUnreachable(e)) {
                throw new IOException(
                        "system " + system.name() + ": cannot connect: " + SqlErrors.describe(e),
                        e);
            }
            LOG.warn(
                    "system {}: database unreachable at start ({}); writes wait for it",
                    system.name(),
                    SqlErrors.describe(e));
        }
        return session;
    }

    /** The open connection, connecting first if there is none. */
    Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connect();
        }
        return connection;
    }

    /** The table's statements; known once a connection has been opened. */
    SqlStatements statements() {
        if (statements == null) {
            throw new IllegalStateException("system " + system.name() + ": never connected");
        }
        return statements;
    }

    /** Rolls back the open transaction; a failure only goes to DEBUG (the connection is gone). */
    void rollbackQuietly() {
        try {
            if (connection != null && !connection.isClosed()) {
                connection.rollback();
            }
        } catch (SQLException e) {
            LOG.debug("rollback failed", e);
        }
    }

    /** Closes the connection quietly; the next use opens a new one. */
    @Override
    public void close() {
        Database.closeQuietly(connection);
        connection = null;
    }

    private void connect() throws SQLException {
        connection = Database.connect(system);
        try {
            connection.setAutoCommit(false);
            if (statements == null) {
                TableColumns columns =
                        TableColumns.read(SqlDialect.of(system), connection, system.table());
                connection.commit();
                statements =
                        new SqlStatements(
                                system,
                                system.mapping(config.attributes()),
                                config.matchKey(),
                                config.matchesByReference(),
                                columns);
            }
        } catch (SQLException e) {
            // Not half open: the next use connects, and reads the columns, again.
            close();
            throw e;
        }
    }
}
