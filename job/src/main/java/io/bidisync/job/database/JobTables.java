package io.bidisync.job.database;

import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.TableName;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The job's own small tables in each system's database, in the synced table's schema, both read by
 * the CDC source along with the synced table:
 *
 * <ul>
 *   <li>the <b>heartbeat</b> table: one row the job updates every heartbeat interval, so even a
 *       source without business traffic delivers commit-time-stamped changes and its watermark
 *       keeps moving;
 *   <li>the <b>writes</b> table, in systems the job writes to: each of the job's write transactions
 *       first updates its row there with what the transaction writes and how old those values are
 *       at their source. The change stream delivers that row just before the transaction's other
 *       rows, so the job recognises its own writes coming back and knows the real age of their
 *       values (which matters when such a row later changes its match key).
 * </ul>
 */
public final class JobTables {
    private static final Logger LOG = LoggerFactory.getLogger(JobTables.class);

    private JobTables() {}

    public static TableName heartbeat(SyncConfig config, SystemConfig system) {
        return new TableName(system.table().schema(), config.completeness().heartbeatTable());
    }

    public static TableName writes(SyncConfig config, SystemConfig system) {
        return new TableName(system.table().schema(), config.writer().writesTable());
    }

    /**
     * The dead-letter table, in the table schema of the system that holds it; needs one configured.
     */
    public static TableName deadLetters(SyncConfig config) {
        SyncConfig.DeadLetterTable table = config.deadLetterTable();
        return new TableName(config.system(table.system()).table().schema(), table.table());
    }

    /** The mass-change breaker's state of a system, in its table schema (one row per system). */
    public static TableName breaker(SystemConfig system) {
        return new TableName(system.table().schema(), "bidisync_breaker");
    }

    /** The writes the mass-change breaker holds back from a system, for the operator to see. */
    public static TableName heldWrites(SystemConfig system) {
        return new TableName(system.table().schema(), "bidisync_held_writes");
    }

    /** The audit table, in the table schema of the system that holds it; needs one configured. */
    public static TableName audit(SyncConfig config) {
        SyncConfig.Audit table = config.audit();
        return new TableName(config.system(table.system()).table().schema(), table.table());
    }

    /**
     * Stores one audit entry; parameters: event time, golden id, system, row, action, expected
     * version, resulting version, reason, detail. Needs an audit table configured.
     */
    public static String insertAuditSql(SyncConfig config) {
        SqlDialect dialect = SqlDialect.of(config.system(config.audit().system()));
        return "INSERT INTO "
                + dialect.quote(audit(config))
                + " ("
                + dialect.quoteAll(
                        "event_time",
                        "golden_id",
                        "system",
                        "row_id",
                        "action",
                        "expected_version",
                        "resulting_version",
                        "reason",
                        "detail")
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)";
    }

    /** The audit entries of one golden id, oldest first; parameter: the golden id. */
    public static String selectAuditSql(SyncConfig config) {
        SqlDialect dialect = SqlDialect.of(config.system(config.audit().system()));
        return "SELECT "
                + dialect.quoteAll(
                        "at",
                        "event_time",
                        "system",
                        "row_id",
                        "action",
                        "expected_version",
                        "resulting_version",
                        "reason",
                        "detail")
                + " FROM "
                + dialect.quote(audit(config))
                + " WHERE "
                + dialect.quote("golden_id")
                + " = ? ORDER BY "
                + dialect.quote("seq");
    }

    /** The audit table (in PostgreSQL) and its index by golden id. */
    static List<String> createAuditTableSql(SyncConfig config) {
        SqlDialect dialect = SqlDialect.of(config.system(config.audit().system()));
        TableName table = audit(config);
        return List.of(
                dialect.ddl()
                        .createTable(
                                table,
                                "",
                                "seq",
                                "bigserial PRIMARY KEY",
                                "at",
                                "timestamptz NOT NULL DEFAULT clock_timestamp()",
                                "event_time",
                                "bigint",
                                "golden_id",
                                "text NOT NULL",
                                "system",
                                "text",
                                "row_id",
                                "text",
                                "action",
                                "text NOT NULL",
                                "expected_version",
                                "text",
                                "resulting_version",
                                "text",
                                "reason",
                                "text",
                                "detail",
                                "text"),
                "CREATE INDEX IF NOT EXISTS "
                        + dialect.quote(table.table() + "_golden_id")
                        + " ON "
                        + dialect.quote(table)
                        + " ("
                        + dialect.quoteAll("golden_id", "seq")
                        + ")");
    }

    /** Whether the job writes to the system, and so keeps a writes table there. */
    public static boolean hasWrites(SystemConfig system) {
        return !system.write().isEmpty();
    }

    /**
     * The tables the system's change source reads, as {@code schema.table}: for a MySQL/MariaDB
     * system {@code database.table}, as Debezium's MySQL connector names them.
     */
    public static List<String> captured(SyncConfig config, SystemConfig system) {
        return captured(JobConfig.of(config), system.name());
    }

    /**
     * The tables the system's one change source reads in a job: the table of every entity type
     * there, the heartbeat table, and the writes table where any entity type writes to the system
     * (every entity type's tables of a system share its schema).
     */
    public static List<String> captured(JobConfig job, String system) {
        List<SyncConfig> entities = job.entitiesIn(system);
        Set<String> tables = new LinkedHashSet<>();
        for (SyncConfig entity : entities) {
            tables.add(entity.system(system).table().toString());
        }
        SyncConfig first = entities.get(0);
        tables.add(heartbeat(first, first.system(system)).toString());
        for (SyncConfig entity : entities) {
            if (hasWrites(entity.system(system))) {
                tables.add(writes(entity, entity.system(system)).toString());
            }
        }
        return new ArrayList<>(tables);
    }

    /** The statement that writes one heartbeat; it stamps the database's own clock. */
    public static String beatSql(SyncConfig config, SystemConfig system) {
        SqlDialect dialect = SqlDialect.of(system);
        return "UPDATE "
                + dialect.quote(heartbeat(config, system))
                + " SET "
                + dialect.quote("ts")
                + " = "
                + dialect.now()
                + " WHERE "
                + dialect.quote("id")
                + " = 1";
    }

    /**
     * Records a write transaction: parameters are the writer's id and the transaction's payload.
     */
    public static String markWritesSql(SyncConfig config, SystemConfig system) {
        return SqlDialect.of(system).upsertWrites(writes(config, system));
    }

    /**
     * Stores one dead letter; parameters: time, system, key, operation, reason, payload. Needs a
     * dead-letter table configured.
     */
    public static String insertDeadLetterSql(SyncConfig config) {
        SystemConfig holder = config.system(config.deadLetterTable().system());
        return SqlDialect.of(holder).ddl().insertDeadLetter(deadLetters(config));
    }

    /** Creates every system's tables where missing (before the job starts), and says so. */
    public static void ensure(SyncConfig config) throws SQLException {
        ensure(config, Database::connect);
    }

    /** Opens a connection to a system's database. */
    @FunctionalInterface
    interface Connector {
        Connection connect(SystemConfig system) throws SQLException;
    }

    /** {@link #ensure(SyncConfig)} through the given connections. */
    static void ensure(SyncConfig config, Connector connector) throws SQLException {
        if (config.deadLetterTable() != null) {
            SystemConfig holder = config.system(config.deadLetterTable().system());
            SqlDialect dialect = SqlDialect.of(holder);
            try (Connection c = connector.connect(holder);
                    Statement s = c.createStatement()) {
                createIfMissing(
                        c,
                        s,
                        holder,
                        "dead-letter",
                        deadLetters(config),
                        dialect.ddl().createDeadLetterTable(deadLetters(config)));
            }
        }
        if (config.audit() != null && !config.audit().toTopic()) {
            SystemConfig holder = config.system(config.audit().system());
            try (Connection c = connector.connect(holder);
                    Statement s = c.createStatement()) {
                createIfMissing(
                        c,
                        s,
                        holder,
                        "audit",
                        audit(config),
                        createAuditTableSql(config).toArray(String[]::new));
            }
        }
        for (SystemConfig system : config.systems().values()) {
            SqlDialect dialect = SqlDialect.of(system);
            try (Connection c = connector.connect(system);
                    Statement s = c.createStatement()) {
                TableName heartbeat = heartbeat(config, system);
                createIfMissing(
                        c,
                        s,
                        system,
                        "heartbeat",
                        heartbeat,
                        dialect.ddl().createHeartbeatTable(heartbeat));
                String id = dialect.quote("id");
                try (ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*) FROM "
                                        + dialect.quote(heartbeat)
                                        + " WHERE "
                                        + id
                                        + " = 1")) {
                    if (rs.next() && rs.getInt(1) == 0) {
                        s.executeUpdate(
                                "INSERT INTO "
                                        + dialect.quote(heartbeat)
                                        + " ("
                                        + id
                                        + ") VALUES (1)");
                    }
                }
                if (hasWrites(system)) {
                    TableName writes = writes(config, system);
                    createIfMissing(
                            c,
                            s,
                            system,
                            "writes",
                            writes,
                            dialect.ddl().createWritesTable(writes));
                }
                if (hasWrites(system) && config.safety() != null) {
                    createIfMissing(
                            c,
                            s,
                            system,
                            "mass-change breaker",
                            breaker(system),
                            dialect.ddl().createBreakerTable(breaker(system)));
                    createIfMissing(
                            c,
                            s,
                            system,
                            "held-writes",
                            heldWrites(system),
                            dialect.ddl().createHeldWritesTable(heldWrites(system)));
                }
            }
        }
    }

    /**
     * Runs {@code ddl} when {@code table} does not exist. Checking first matters: a least-privilege
     * user may use the tables a DBA made, but may not create anything.
     */
    private static void createIfMissing(
            Connection c,
            Statement s,
            SystemConfig system,
            String what,
            TableName table,
            String... ddl)
            throws SQLException {
        if (TableColumns.read(SqlDialect.of(system), c, table).exists()) {
            return;
        }
        for (String statement : ddl) {
            s.execute(statement);
        }
        LOG.info("Created {} table {} in system {}", what, table, system.name());
    }
}
