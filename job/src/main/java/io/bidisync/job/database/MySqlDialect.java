package io.bidisync.job.database;

import io.bidisync.job.config.SqlIdentifier;
import io.bidisync.job.config.TableName;
import io.bidisync.udfs.normalize.CaseMapping;
import io.bidisync.udfs.normalize.Normalizer;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

/**
 * MySQL 8 and MariaDB (InnoDB), through the MariaDB driver, as write targets. A table's {@code
 * schema} is its database.
 *
 * <p><b>Normalisers.</b> Text is taken as {@code utf8mb4} in collation {@code
 * utf8mb4_unicode_520_ci} (present in both servers), whose {@code LOWER} is exactly the simple
 * lower case of Unicode 5.2 that {@link CaseMapping} holds; the mappings beyond it (final sigma)
 * follow as {@code REPLACE}. Whitespace is exactly {@link Normalizer#WHITESPACE_CHARS}, written as
 * {@code CHAR(9, 10, 12, 13 USING utf8mb4)} so that no backslash escape depends on the session's
 * {@code sql_mode}; the end of the text is {@code (?!.)} under {@code (?s)}, because {@code $} also
 * matches before a final line break.
 *
 * <p><b>NFC.</b> Neither server can normalise Unicode. So the SQL form of a value stored in NFC is
 * the key Java computes, and that of a value stored fully decomposed (NFD) is that key in NFD,
 * because the case mapping and the rules commute with decomposition — except for {@code I} +
 * U+0307, NFD of {@code İ}, which SQL therefore composes before lower-casing. The guard compares
 * with both forms of the key ({@link #keyParameters}). A value stored in neither form (partly
 * decomposed, or with a character NFC replaces by another, like U+037E GREEK QUESTION MARK or a CJK
 * compatibility ideograph) is not recognised.
 *
 * <p><b>Comparisons</b> of text are byte-exact ({@code CAST(… AS BINARY)}): the columns' collations
 * are usually case- and accent-insensitive and ignore trailing spaces, which would let {@code
 * josé@…} block the insert of {@code jose@…}, or hide a change of case from the optimistic lock.
 *
 * <p><b>The guarded INSERT</b> reads the table with InnoDB's locking read (INSERT … SELECT under
 * REPEATABLE READ takes shared next-key locks on what its SELECT reads), so it waits for a row with
 * the same key that another session has inserted but not committed, then sees it and inserts
 * nothing. The job's sessions therefore run in REPEATABLE READ whatever the server's default is (in
 * READ COMMITTED the read would be a snapshot and both rows would land).
 */
final class MySqlDialect implements SqlDialect {
    /** The collation whose case mapping {@code LOWER} uses. */
    private static final String COLLATION = "utf8mb4_unicode_520_ci";

    /** {@link Normalizer#WHITESPACE_CHARS} without backslash escapes. */
    private static final String CONTROL_WHITESPACE = "CHAR(9, 10, 12, 13 USING utf8mb4)";

    /** A run of whitespace characters. */
    private static final String WHITESPACE_RUN = "CONCAT('[ ', " + CONTROL_WHITESPACE + ", ']+')";

    /** Whitespace at the start or at the very end. */
    private static final String EDGE_WHITESPACE =
            "CONCAT('(?s)^[ ', "
                    + CONTROL_WHITESPACE
                    + ", ']+|[ ', "
                    + CONTROL_WHITESPACE
                    + ", ']+(?!.)')";

    /** {@code İ} (U+0130). */
    private static final String DOTTED_CAPITAL_I = "CHAR(0xC4B0 USING utf8mb4)";

    /** {@code I} + U+0307: {@code İ} decomposed. */
    private static final String DECOMPOSED_DOTTED_CAPITAL_I =
            "CONCAT('I', CHAR(0xCC87 USING utf8mb4))";

    private static final Set<String> TEXT_TYPES =
            Set.of("char", "varchar", "tinytext", "text", "mediumtext", "longtext", "enum", "set");

    private static final Set<String> INTEGER_TYPES =
            Set.of("tinyint", "smallint", "mediumint", "int", "integer", "bigint", "decimal");

    /**
     * Server errors about the value itself whose SQLState is not of class 22 or 23: data truncated
     * (1265), incorrect value for a column (1366), no default for a NOT NULL column (1364), wrong
     * value for a type (1367, 1411), check constraint (3819 in MySQL).
     */
    private static final Set<Integer> DATA_ERRORS = Set.of(1265, 1364, 1366, 1367, 1411, 3819);

    /** The job's tables: transactional, and able to hold any text. */
    private static final String TABLE_OPTIONS = " ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    /** MySQL's error "command denied to user". */
    private static final int COMMAND_DENIED = 1142;

    MySqlDialect() {}

    @Override
    public String displayName() {
        return "MySQL/MariaDB";
    }

    @Override
    public String quote(String identifier) {
        if (!SqlIdentifier.isValid(identifier)) {
            // Same check and message as for PostgreSQL.
            SqlIdentifier.quote(identifier);
        }
        return '`' + identifier + '`';
    }

    @Override
    public String normalized(Normalizer normalizer, String quotedColumn) {
        String text = "CONVERT(" + quotedColumn + " USING utf8mb4) COLLATE " + COLLATION;
        return switch (normalizer) {
            case EMAIL -> lower("REGEXP_REPLACE(" + text + ", " + WHITESPACE_RUN + ", '')");
            case PHONE ->
                    "REGEXP_REPLACE(REGEXP_REPLACE("
                            + trim(text)
                            + ", '^[+]', '00'), '[^0-9]+', '')";
            case DIGITS -> "REGEXP_REPLACE(" + text + ", '[^0-9]+', '')";
            case LOWER -> lower(trim(text));
            case TRIM -> trim(text);
            case NONE -> text;
        };
    }

    private static String trim(String text) {
        return "REGEXP_REPLACE(" + text + ", " + EDGE_WHITESPACE + ", '')";
    }

    /** {@link CaseMapping}: {@code LOWER} in the collation, then the mappings beyond it. */
    private static String lower(String text) {
        String lower =
                "LOWER(REPLACE("
                        + text
                        + ", "
                        + DECOMPOSED_DOTTED_CAPITAL_I
                        + ", "
                        + DOTTED_CAPITAL_I
                        + "))";
        for (Map.Entry<String, String> extra : CaseMapping.beyondSimpleLowerCase().entrySet()) {
            lower =
                    "REPLACE("
                            + lower
                            + ", "
                            + utf8mb4(extra.getKey())
                            + ", "
                            + utf8mb4(extra.getValue())
                            + ")";
        }
        return lower;
    }

    /** The text as {@code CHAR(0x… USING utf8mb4)}: its UTF-8 bytes, no literal to escape. */
    private static String utf8mb4(String text) {
        return "CHAR(0x"
                + HexFormat.of().withUpperCase().formatHex(text.getBytes(StandardCharsets.UTF_8))
                + " USING utf8mb4)";
    }

    @Override
    public String keyEquals(String normalizedExpression) {
        return "CAST("
                + normalizedExpression
                + " AS BINARY) IN (CAST(? AS BINARY), CAST(? AS BINARY))";
    }

    /** The key, and the key in NFD: the SQL form of a value stored decomposed. */
    @Override
    public List<String> keyParameters(String normalizedKey) {
        return List.of(
                normalizedKey,
                java.text.Normalizer.normalize(normalizedKey, java.text.Normalizer.Form.NFD));
    }

    /** Both servers have the collation and its {@code LOWER}. */
    @Override
    public List<String> guardProblems(Connection connection) {
        return List.of();
    }

    @Override
    public String notDistinct(String quotedColumn, TableColumns.Column column) {
        if (column != null && TEXT_TYPES.contains(column.type())) {
            return "CAST(CONVERT("
                    + quotedColumn
                    + " USING utf8mb4) AS BINARY) <=> CAST(? AS BINARY)";
        }
        // Numbers compare as numbers: "2" equals 2, "10.50" equals 10.5.
        return quotedColumn + " <=> ?";
    }

    /** The server converts a text parameter to the column's type (strict: or fails). */
    @Override
    public String insertParameter(TableColumns.Column column) {
        return "?";
    }

    @Override
    public String guardedInsert(
            String quotedTable,
            List<String> quotedColumns,
            List<String> values,
            String keyCondition,
            String quotedPrimaryKey) {
        return "INSERT INTO "
                + quotedTable
                + " ("
                + String.join(", ", quotedColumns)
                + ") SELECT "
                + String.join(", ", values)
                + " FROM DUAL WHERE NOT EXISTS (SELECT 1 FROM "
                + quotedTable
                + " WHERE "
                + keyCondition
                + ")";
    }

    @Override
    public String now() {
        return "CURRENT_TIMESTAMP(6)";
    }

    /** {@code VALUES(col)} rather than MySQL 8's row alias, which MariaDB does not know. */
    @Override
    public String upsertWrites(TableName writes) {
        return "INSERT INTO "
                + quote(writes)
                + " ("
                + quoteAll("id", "payload")
                + ") VALUES (?, ?) ON DUPLICATE KEY UPDATE "
                + quote("payload")
                + " = VALUES("
                + quote("payload")
                + ")";
    }

    /**
     * {@code timestamp} (not {@code datetime}): stored in UTC, so a change event carries an
     * instant.
     */
    @Override
    public String createHeartbeatTable(TableName table) {
        return createTable(
                table,
                TABLE_OPTIONS,
                "id",
                "int PRIMARY KEY",
                "ts",
                "timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)");
    }

    /** {@code mediumtext}: MySQL's {@code text} holds only 64 kB, less than a large batch's. */
    @Override
    public String createWritesTable(TableName table) {
        return createTable(
                table, TABLE_OPTIONS, "id", "int PRIMARY KEY", "payload", "mediumtext NOT NULL");
    }

    @Override
    public String createBreakerTable(TableName table) {
        return createTable(
                table,
                TABLE_OPTIONS,
                "system",
                "varchar(255) PRIMARY KEY",
                "tripped_at",
                "timestamp(3) NULL",
                "write_limit",
                "bigint",
                "held",
                "bigint",
                "confirmed_at",
                "timestamp(3) NULL");
    }

    @Override
    public String createHeldWritesTable(TableName table) {
        return createTable(
                table,
                TABLE_OPTIONS,
                "seq",
                "bigint AUTO_INCREMENT PRIMARY KEY",
                "system",
                "varchar(255)",
                "golden_id",
                "text",
                "operation",
                "varchar(255)",
                "row_id",
                "text",
                "expected_version",
                "bigint",
                "expected_values",
                "longtext",
                "vals",
                "longtext");
    }

    @Override
    public String createDeadLetterTable(TableName table) {
        return createTable(
                table,
                TABLE_OPTIONS,
                "id",
                "bigint AUTO_INCREMENT PRIMARY KEY",
                "at",
                "timestamp(6) NOT NULL DEFAULT CURRENT_TIMESTAMP(6)",
                "system",
                "text",
                "key",
                "text",
                "operation",
                "text",
                "reason",
                "text",
                "payload",
                "mediumtext");
    }

    /**
     * From {@code information_schema.columns}: the type is {@code DATA_TYPE} ({@code varchar},
     * {@code int}, …); a column has a default if it has one, is auto-increment or generated.
     */
    @Override
    public String columnsSql() {
        return "SELECT COLUMN_NAME, LOWER(DATA_TYPE),"
                + " COLUMN_DEFAULT IS NOT NULL OR EXTRA LIKE '%auto_increment%'"
                + " OR COALESCE(GENERATION_EXPRESSION, '') <> '',"
                + " IS_NULLABLE = 'NO'"
                + " FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?";
    }

    @Override
    public boolean isSinglePrimaryKey(Connection connection, TableName table, String column)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT COLUMN_NAME FROM information_schema.STATISTICS"
                                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ? AND INDEX_NAME = 'PRIMARY'")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && column.equals(rs.getString(1)) && !rs.next();
            }
        }
    }

    /**
     * EXPLAIN of a statement that touches no row checks the same privileges as the statement, and
     * runs nothing (error 1142 when a privilege is missing).
     */
    @Override
    public boolean hasPrivilege(
            Connection connection, TableName table, String privilege, String column)
            throws SQLException {
        String t = quote(table);
        String c = quote(column);
        String probe =
                switch (privilege) {
                    case "SELECT" -> "SELECT 1 FROM " + t + " WHERE 1 = 0";
                    case "INSERT" ->
                            "INSERT INTO "
                                    + t
                                    + " ("
                                    + c
                                    + ") SELECT "
                                    + c
                                    + " FROM "
                                    + t
                                    + " WHERE 1 = 0";
                    case "UPDATE" -> "UPDATE " + t + " SET " + c + " = " + c + " WHERE 1 = 0";
                    case "DELETE" -> "DELETE FROM " + t + " WHERE 1 = 0";
                    default -> throw new IllegalArgumentException(privilege);
                };
        // A read-only transaction refuses to EXPLAIN a write, whatever the privileges.
        boolean readOnly = connection.isReadOnly();
        connection.setReadOnly(false);
        try (Statement s = connection.createStatement()) {
            s.executeQuery("EXPLAIN " + probe).close();
            return true;
        } catch (SQLException e) {
            if (e.getErrorCode() == COMMAND_DENIED) {
                return false;
            }
            if (e.getSQLState() != null && e.getSQLState().startsWith("08")) {
                throw e;
            }
            // The server checks privileges first; a later complaint about the probe itself (e.g.
            // a NOT NULL column without default that the probe does not fill) means it passed.
            return true;
        } finally {
            connection.setReadOnly(readOnly);
        }
    }

    @Override
    public boolean isIntegerType(String type) {
        return INTEGER_TYPES.contains(type);
    }

    @Override
    public boolean keyLookupUsesIndex(
            Connection connection, TableName table, String normalizedExpression)
            throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "EXPLAIN SELECT 1 FROM "
                                + quote(table)
                                + " WHERE "
                                + keyEquals(normalizedExpression))) {
            List<String> key = keyParameters("x");
            for (int i = 0; i < key.size(); i++) {
                ps.setString(i + 1, key.get(i));
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String type = rs.getString("type");
                    if (type != null && type.equalsIgnoreCase("ALL")) {
                        return false;
                    }
                }
                return true;
            }
        }
    }

    @Override
    public String keyIndexAdvice(TableName table, String column, String normalizedExpression) {
        String name = column + "_bidisync_key";
        String keyColumn = quote(name.length() <= 63 ? name : "bidisync_key");
        return "ALTER TABLE "
                + quote(table)
                + " ADD COLUMN "
                + keyColumn
                + " varbinary(255) AS (CAST("
                + normalizedExpression
                + " AS BINARY)) VIRTUAL, ADD INDEX ("
                + keyColumn
                + ") (MySQL uses such an index for the guard; MariaDB only from 11.8)";
    }

    /** The conditional writes need transactions and InnoDB's row locks. */
    @Override
    public List<String> tableProblems(Connection connection, TableName table) throws SQLException {
        try (PreparedStatement ps =
                connection.prepareStatement(
                        "SELECT ENGINE FROM information_schema.TABLES"
                                + " WHERE TABLE_SCHEMA = ? AND TABLE_NAME = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next() && !"InnoDB".equalsIgnoreCase(rs.getString(1))) {
                    return List.of(
                            "is a "
                                    + rs.getString(1)
                                    + " table; the conditional writes need InnoDB (transactions, row locks)");
                }
            }
        }
        return List.of();
    }

    /**
     * Opens a connection through the MariaDB driver (also for {@code jdbc:mysql:} URLs, which it
     * accepts with {@code permitMysqlScheme}), with the session settings the writes rely on:
     *
     * <ul>
     *   <li>REPEATABLE READ, so the guarded INSERT's read is a locking read (above);
     *   <li>STRICT_ALL_TABLES added to the session's {@code sql_mode}, so a value the column cannot
     *       hold fails (and is dead-lettered) instead of being cut or zeroed;
     *   <li>found rows, not changed rows, as update counts ({@code useAffectedRows=false}), so an
     *       UPDATE that matches its version but changes no value still counts as applied;
     *   <li>no bulk batches, which report no per-statement counts.
     * </ul>
     */
    @Override
    public Connection connect(String url, String user, String password) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", user);
        if (password != null) {
            properties.setProperty("password", password);
        }
        properties.setProperty("connectTimeout", "10000");
        properties.setProperty("useAffectedRows", "false");
        properties.setProperty("useBulkStmts", "false");
        properties.setProperty("useBulkStmtsForInserts", "false");
        properties.setProperty("connectionAttributes", "program_name:" + Database.APPLICATION_NAME);
        String driverUrl = url;
        if (url.startsWith("jdbc:mysql:") && !url.contains("permitMysqlScheme")) {
            driverUrl = url + (url.contains("?") ? "&" : "?") + "permitMysqlScheme";
        }
        // The driver directly, not DriverManager: on a Flink cluster the job's classes are not
        // visible to DriverManager's service loading.
        Connection connection = new org.mariadb.jdbc.Driver().connect(driverUrl, properties);
        if (connection == null) {
            throw new SQLException("the MariaDB driver does not accept the URL " + url, "08001");
        }
        try (Statement s = connection.createStatement()) {
            s.execute(
                    "SET SESSION sql_mode = CONCAT_WS(',', NULLIF(@@SESSION.sql_mode, ''), 'STRICT_ALL_TABLES')");
            connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
        return connection;
    }

    /** Any session's, not only the job's: InnoDB does not know the client's program name. */
    @Override
    public int sessionsWaitingForLock(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement();
                ResultSet rs =
                        s.executeQuery(
                                "SELECT count(*) FROM information_schema.INNODB_TRX"
                                        + " WHERE trx_state = 'LOCK WAIT'")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Override
    public boolean isDataError(SQLException e) {
        if (SqlDialect.super.isDataError(e)) {
            return true;
        }
        for (SQLException x = e; x != null; x = x.getNextException()) {
            if (DATA_ERRORS.contains(x.getErrorCode())) {
                return true;
            }
        }
        return false;
    }
}
