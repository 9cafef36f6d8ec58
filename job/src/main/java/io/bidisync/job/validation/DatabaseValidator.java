package io.bidisync.job.validation;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.config.TableName;
import io.bidisync.job.config.VersionOwner;
import io.bidisync.job.config.WriteOperation;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.job.database.TableColumns;
import io.bidisync.udfs.normalize.MatchKey;
import io.bidisync.udfs.types.StoredType;
import io.bidisync.udfs.types.ValueType;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks a configuration against the databases it names, changing nothing: each database is
 * reachable, logically replicated, the user may replicate, the table, its columns, primary key and
 * version column exist, and the job can insert where it is allowed to. Problems stop the job;
 * warnings (a missing index for the duplicate guard) do not.
 *
 * <p>The replication checks (wal_level, replication privilege, slots, publication) are the
 * PostgreSQL CDC source's and run only for systems it reads; a system whose changes arrive as a
 * Debezium topic — a MySQL/MariaDB one always — is checked as a write target (table, columns,
 * primary key, version column, InnoDB, privileges, key index).
 */
public final class DatabaseValidator {

    /** What the check found; each line starts with the configuration key it is about. */
    public record Report(List<String> problems, List<String> warnings) {
        public boolean ok() {
            return problems.isEmpty();
        }
    }

    private final SyncConfig config;
    private final List<String> problems = new ArrayList<>();
    private final List<String> warnings = new ArrayList<>();

    /** Per attribute, what each system's column stores (where its table could be read). */
    private final Map<String, Map<String, StoredType>> stored;

    private DatabaseValidator(SyncConfig config) {
        this.config = config;
        this.stored = storedTypes(config);
    }

    public static Report check(SyncConfig config) {
        DatabaseValidator validator = new DatabaseValidator(config);
        for (SystemConfig system : config.systems().values()) {
            validator.check(system);
        }
        validator.checkDeadLetterTable();
        return new Report(List.copyOf(validator.problems), List.copyOf(validator.warnings));
    }

    private void check(SystemConfig system) {
        String p = "systems." + system.name() + ".";
        SqlDialect dialect = SqlDialect.of(system);
        try (Connection c = Database.connect(system)) {
            c.setReadOnly(true);
            if (system.readByCdc()) {
                // The PostgreSQL CDC source's needs. Changes from a Debezium topic are the
                // connector's business; the job checks such a system as a write target.
                checkServer(c, system, p);
            }
            checkTable(c, dialect, system, p);
            if (system.readByCdc()) {
                checkOutOfLineValues(c, system, p);
            }
        } catch (SQLException e) {
            // Messages of pgjdbc and the MariaDB driver never contain the password; they may
            // contain host and user.
            problems.add(
                    p + "connection: cannot connect to " + system.url() + ": " + e.getMessage());
        }
    }

    private static Map<String, Map<String, StoredType>> storedTypes(SyncConfig config) {
        Map<String, Map<String, StoredType>> stored = new HashMap<>();
        for (SystemConfig system : config.systems().values()) {
            SqlDialect dialect = SqlDialect.of(system);
            try (Connection c = Database.connect(system)) {
                TableColumns columns = TableColumns.read(dialect, c, system.table());
                system.columns()
                        .forEach(
                                (attribute, name) -> {
                                    TableColumns.Column column = columns.column(name);
                                    if (column != null) {
                                        stored.computeIfAbsent(attribute, a -> new HashMap<>())
                                                .put(
                                                        system.name(),
                                                        column.stored(dialect.catalog()));
                                    }
                                });
            } catch (SQLException e) {
                // The system's own check reports that its database cannot be reached.
            }
        }
        return stored;
    }

    /** What the other systems' columns of the attribute store. */
    private List<StoredType> others(String attribute, SystemConfig system) {
        List<StoredType> others = new ArrayList<>();
        stored.getOrDefault(attribute, Map.of())
                .forEach(
                        (name, type) -> {
                            if (!name.equals(system.name())) {
                                others.add(type);
                            }
                        });
        return others;
    }

    /**
     * A column that would silently change some of its attribute's values (an instant into a date,
     * fewer decimals or digits of a second than another system's column) is refused unless the
     * mapping is marked lossy; one that is shorter than another is a warning, as the database
     * refuses a value too long for it.
     */
    private void checkHolds(
            SystemConfig system,
            String attribute,
            TableColumns.Column column,
            SqlDialect dialect,
            String p) {
        ValueType type = config.attributes().type(config.attributes().require(attribute));
        StoredType mine = column.stored(dialect.catalog());
        List<StoredType> others = others(attribute, system);
        boolean lossy = system.lossy().containsKey(attribute);
        String where =
                p
                        + "columns."
                        + attribute
                        + ": column '"
                        + system.columns().get(attribute)
                        + "' is "
                        + column.describe();
        if (!mine.holdsAll(type, others)) {
            if (!lossy) {
                problems.add(
                        where
                                + ", which cannot hold every "
                                + type.configName()
                                + " value of attribute '"
                                + attribute
                                + "' the other systems hold and give it back unchanged (declare"
                                + " its type under types:, map another column, or mark the mapping"
                                + " lossy: ["
                                + attribute
                                + "] to write the values as the column stores them)");
            } else if (!mine.canNarrow(type)) {
                problems.add(
                        where
                                + ", which cannot give back a "
                                + type.configName()
                                + " value even as a lossy mapping; map another column");
            }
        } else if (mine.shorterThan(others)) {
            if (!lossy) {
                warnings.add(
                        where
                                + ", shorter than another system's column: a longer value is a"
                                + " dead letter there (mark it lossy: ["
                                + attribute
                                + "] to write it cut)");
            }
        } else if (lossy) {
            warnings.add(
                    p
                            + "lossy: '"
                            + attribute
                            + "' is marked lossy, but its column holds every value the others"
                            + " hold");
        }
    }

    private void checkDeadLetterTable() {
        if (config.deadLetterTable() == null) {
            return;
        }
        SystemConfig holder = config.system(config.deadLetterTable().system());
        try (Connection c = Database.connect(holder)) {
            TableName table = JobTables.deadLetters(config);
            if (!TableColumns.read(SqlDialect.of(holder), c, table).exists()) {
                warnings.add(
                        "dead-letters.table: "
                                + table
                                + " does not exist yet; the job creates it when it starts");
            }
        } catch (SQLException e) {
            // The system's own check reports that its database cannot be reached.
        }
    }

    private void checkServer(Connection c, SystemConfig system, String p) throws SQLException {
        String walLevel = single(c, "SHOW wal_level");
        if (!"logical".equals(walLevel)) {
            problems.add(
                    p
                            + "connection: wal_level is '"
                            + walLevel
                            + "', CDC needs wal_level=logical (postgresql.conf, then restart)");
        }
        String mayReplicate =
                single(
                        c,
                        "SELECT (rolreplication OR rolsuper)::text FROM pg_roles WHERE rolname = current_user");
        if (!"true".equals(mayReplicate)) {
            problems.add(
                    p
                            + "connection.username: user '"
                            + system.username()
                            + "' may not replicate (ALTER ROLE "
                            + system.username()
                            + " REPLICATION)");
        }
        String freeSlots =
                single(
                        c,
                        "SELECT (current_setting('max_replication_slots')::int - count(*))::text FROM pg_replication_slots");
        String slots =
                single(
                        c,
                        "SELECT count(*)::text FROM pg_replication_slots WHERE slot_name = CAST(? AS name)",
                        system.slotName(config.name()));
        boolean slotExists = "1".equals(slots);
        if (!slotExists && Integer.parseInt(freeSlots) < 1) {
            problems.add(
                    p
                            + "connection: no free replication slot; the CDC source needs one"
                            + " (max_replication_slots)");
        }
    }

    private void checkTable(Connection c, SqlDialect dialect, SystemConfig system, String p)
            throws SQLException {
        TableName table = system.table();
        TableColumns columns = TableColumns.read(dialect, c, table);
        if (!columns.exists()) {
            problems.add(
                    p
                            + "table: table "
                            + table
                            + " does not exist (or the user cannot see it)"
                            + (dialect == SqlDialect.MYSQL
                                    ? "; in MySQL/MariaDB write the table as database.table"
                                    : ""));
            return;
        }
        for (String problem : dialect.catalog().tableProblems(c, table)) {
            problems.add(p + "table: " + table + " " + problem);
        }
        for (Map.Entry<String, String> e : system.columns().entrySet()) {
            TableColumns.Column column = columns.column(e.getValue());
            if (column == null) {
                problems.add(
                        p
                                + "columns."
                                + e.getKey()
                                + ": column '"
                                + e.getValue()
                                + "' does not exist in "
                                + table);
                continue;
            }
            checkHolds(system, e.getKey(), column, dialect, p);
        }
        List<String> tableKey = dialect.catalog().primaryKey(c, table);
        if (!Set.copyOf(tableKey).equals(Set.copyOf(system.primaryKey()))
                || tableKey.size() != system.primaryKey().size()) {
            problems.add(
                    p
                            + "primary-key: "
                            + system.primaryKey()
                            + " is not the primary key of "
                            + table
                            + (tableKey.isEmpty()
                                    ? " (it has none)"
                                    : " (that is " + tableKey + ")"));
        }
        if (system.hasVersionColumn()) {
            TableColumns.Column version = columns.column(system.versionColumn());
            if (version == null) {
                problems.add(
                        p
                                + "version-column: column '"
                                + system.versionColumn()
                                + "' does not exist in "
                                + table);
            } else if (!dialect.catalog().isIntegerType(version.type())) {
                problems.add(
                        p
                                + "version-column: '"
                                + system.versionColumn()
                                + "' is "
                                + version.type()
                                + ", expected an integer counter");
            }
        }
        if (system.mayWrite(WriteOperation.INSERT)) {
            checkInsertable(system, columns, p);
            for (String problem : dialect.catalog().guardProblems(c)) {
                problems.add(p + "connection: " + problem);
            }
            checkKeyIndex(c, dialect, system, p);
        }
        checkPrivileges(c, dialect, system, p);
        if (system.readByCdc()) {
            checkPublication(c, system, p);
        }
        List<TableName> jobTables = new ArrayList<>(List.of(JobTables.heartbeat(config, system)));
        if (JobTables.hasWrites(system)) {
            jobTables.add(JobTables.writes(config, system));
        }
        for (TableName jobTable : jobTables) {
            if (!TableColumns.read(dialect, c, jobTable).exists()) {
                warnings.add(
                        p
                                + "table: "
                                + jobTable
                                + " does not exist yet; the job creates it when it starts");
            }
        }
    }

    /**
     * The job creates its publication unless told otherwise, which needs ownership of the tables; a
     * DBA-made publication must cover every table the CDC source reads.
     */
    private void checkPublication(Connection c, SystemConfig system, String p) throws SQLException {
        String publication = system.publicationName(config.name());
        List<String> tables = JobTables.captured(config, system);
        if (system.createPublication()) {
            String owns =
                    single(
                            c,
                            "SELECT (pg_has_role(current_user, c.relowner, 'USAGE')"
                                    + " OR (SELECT rolsuper FROM pg_roles WHERE rolname = current_user))::text"
                                    + " FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                                    + " WHERE n.nspname = CAST(? AS name) AND c.relname = CAST(? AS name)",
                            system.table().schema(),
                            system.table().table());
            if ("false".equals(owns)) {
                problems.add(
                        p
                                + "create-publication: user '"
                                + system.username()
                                + "' does not own "
                                + system.table()
                                + ", so it cannot create the publication; have a DBA run: "
                                + createPublication(publication, tables)
                                + " and set create-publication: false");
            }
            return;
        }
        List<String> covered = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT schemaname || '.' || tablename FROM pg_publication_tables WHERE pubname = CAST(? AS name)")) {
            ps.setString(1, publication);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    covered.add(rs.getString(1));
                }
            }
        }
        if (!covered.containsAll(tables)) {
            problems.add(
                    p
                            + "create-publication: publication "
                            + publication
                            + " is missing or does not cover "
                            + tables
                            + "; create it with: "
                            + createPublication(publication, tables));
        }
    }

    /** The statement a DBA runs to create the job's publication (printed by {@code validate}). */
    public static String createPublication(String publication, List<String> tables) {
        List<String> quoted = new ArrayList<>();
        for (String table : tables) {
            String[] parts = table.split("\\.");
            quoted.add(SqlDialect.POSTGRES.quote(new TableName(parts[0], parts[1])));
        }
        return "CREATE PUBLICATION "
                + SqlDialect.POSTGRES.quote(publication)
                + " FOR TABLE "
                + String.join(", ", quoted);
    }

    private void checkInsertable(SystemConfig system, TableColumns columns, String p)
            throws SQLException {
        for (String key : system.primaryKey()) {
            TableColumns.Column column = columns.column(key);
            if (column != null && !column.hasDefault() && !system.columns().containsValue(key)) {
                problems.add(
                        p
                                + "write: insert needs every primary-key column generated (default or"
                                + " identity) or mapped from an attribute, but '"
                                + key
                                + "' is neither");
            }
        }
        for (String name : notNullWithoutDefault(columns)) {
            boolean supplied =
                    system.columns().containsValue(name)
                            || system.primaryKey().contains(name)
                            || (name.equals(system.versionColumn())
                                    && system.versionManagedBy() == VersionOwner.JOB);
            if (!supplied) {
                problems.add(
                        p
                                + "write: insert cannot fill NOT NULL column '"
                                + name
                                + "' (no default, not mapped)");
            }
        }
    }

    private List<String> notNullWithoutDefault(TableColumns columns) {
        return columns.names().stream()
                .filter(n -> columns.column(n).notNull() && !columns.column(n).hasDefault())
                .toList();
    }

    /**
     * Without an index on the normalised key, every guarded INSERT scans the whole table. For a key
     * of several attributes an index on its first part narrows the lookup to a few rows.
     */
    private void checkKeyIndex(Connection c, SqlDialect dialect, SystemConfig system, String p)
            throws SQLException {
        MatchKey.Part first = config.matchKey().parts().get(0);
        String column = system.columns().get(first.attribute());
        String expression = dialect.normalized(first.normalizer(), dialect.quote(column));
        if (!dialect.catalog().keyLookupUsesIndex(c, system.table(), expression)) {
            warnings.add(
                    p
                            + "table: no index on the normalised match key; every guarded INSERT scans "
                            + system.table()
                            + ". Create one: "
                            + dialect.catalog().keyIndexAdvice(system.table(), column, expression));
        }
    }

    private void checkPrivileges(Connection c, SqlDialect dialect, SystemConfig system, String p)
            throws SQLException {
        List<String> needed = new ArrayList<>(List.of("SELECT"));
        for (WriteOperation op : system.write()) {
            needed.add(op.name());
        }
        for (String privilege : needed) {
            boolean granted = true;
            for (String attribute : config.matchKey().attributes()) {
                String column = system.columns().get(attribute);
                granted &= dialect.catalog().hasPrivilege(c, system.table(), privilege, column);
            }
            if (!granted) {
                problems.add(
                        p
                                + "table: user '"
                                + system.username()
                                + "' lacks "
                                + privilege
                                + " on "
                                + system.table());
            }
        }
    }

    /**
     * With the table's default replica identity, an UPDATE that leaves a value stored out of line
     * (TOAST: long text, bytes, JSON, arrays) unchanged sends Debezium's placeholder instead of it.
     * The job then keeps the value it knew; one it never saw stays unknown until the next change.
     */
    private void checkOutOfLineValues(Connection c, SystemConfig system, String p)
            throws SQLException {
        String quoted = SqlDialect.POSTGRES.quote(system.table());
        if ("f"
                .equals(
                        single(
                                c,
                                "SELECT relreplident::text FROM pg_class WHERE oid = CAST(? AS regclass)",
                                quoted))) {
            return;
        }
        List<String> outOfLine = new ArrayList<>();
        try (PreparedStatement ps =
                c.prepareStatement(
                        "SELECT attname FROM pg_attribute WHERE attrelid = CAST(? AS regclass)"
                                + " AND attnum > 0 AND NOT attisdropped AND attstorage IN ('x', 'e')"
                                + " ORDER BY attnum")) {
            ps.setString(1, quoted);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    if (system.columns().containsValue(rs.getString(1))) {
                        outOfLine.add(rs.getString(1));
                    }
                }
            }
        }
        if (!outOfLine.isEmpty()) {
            warnings.add(
                    p
                            + "table: "
                            + system.table()
                            + " has the default replica identity, and "
                            + outOfLine
                            + " can be stored out of line: a change that leaves such a long value"
                            + " as it is does not carry it, and the job keeps the value it knew (ALTER"
                            + " TABLE "
                            + quoted
                            + " REPLICA IDENTITY FULL makes every change carry every value)");
        }
    }

    private static String single(Connection c, String sql, String... parameters)
            throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < parameters.length; i++) {
                ps.setString(i + 1, parameters[i]);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }
}
