package io.bidisync.job.safety;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.golden.WriteIntent;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The breaker's control in each system's own database: its tables ({@link BreakerTables}) and, for
 * held inserts, the system's writes table, which the change stream carries to the golden stage. One
 * autocommit connection per system, opened when first needed.
 */
final class JdbcBreakerControl implements BreakerControl {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final SyncConfig config;
    private final int subtask;
    private final Map<String, Connection> connections = new HashMap<>();

    JdbcBreakerControl(SyncConfig config, int subtask) {
        this.config = config;
        this.subtask = subtask;
    }

    /** The job's control: one per breaker subtask. */
    static Factory factory(SyncConfig config) {
        return subtask -> new JdbcBreakerControl(config, subtask);
    }

    @Override
    public void tripped(SystemConfig system, long limit) throws SQLException {
        BreakerTables.tripped(connection(system), system, limit);
    }

    @Override
    public void held(SystemConfig system, List<WriteIntent> writes, long total)
            throws SQLException {
        Connection c = connection(system);
        BreakerTables.held(c, system, writes, total);
        ObjectNode payload = JSON.createObjectNode();
        payload.put("at", System.nanoTime());
        if (config.entity() != null) {
            payload.put("e", config.entity());
        }
        ArrayNode inserts = payload.putArray("h");
        for (WriteIntent w : writes) {
            if (w.operation() == WriteIntent.Operation.INSERT) {
                inserts.add(w.goldenKey());
            }
        }
        if (inserts.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = c.prepareStatement(JobTables.markWritesSql(config, system))) {
            // Rows of their own: the writers' rows are numbered from 0 by subtask.
            ps.setInt(1, -1 - subtask);
            ps.setString(2, payload.toString());
            ps.executeUpdate();
        }
    }

    @Override
    public boolean confirmed(SystemConfig system) throws SQLException {
        return BreakerTables.confirmed(connection(system), system);
    }

    @Override
    public void released(SystemConfig system) throws SQLException {
        BreakerTables.released(connection(system), system);
    }

    @Override
    public long rows(SystemConfig system) throws SQLException {
        return Database.rowCount(connection(system), system);
    }

    @Override
    public void reset(SystemConfig system) {
        Database.closeQuietly(connections.remove(system.name()));
    }

    @Override
    public void close() {
        for (String system : new ArrayList<>(connections.keySet())) {
            Database.closeQuietly(connections.remove(system));
        }
    }

    private Connection connection(SystemConfig system) throws SQLException {
        Connection c = connections.get(system.name());
        if (c == null || c.isClosed()) {
            c = Database.connect(system);
            c.setAutoCommit(true);
            connections.put(system.name(), c);
        }
        return c;
    }
}
