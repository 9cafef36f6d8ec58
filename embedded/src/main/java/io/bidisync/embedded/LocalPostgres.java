package io.bidisync.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A real PostgreSQL server started from binaries shipped in a jar (no installation, no Docker),
 * configured for logical replication: what the demo and the tests sync between. It can be stopped
 * and started again on the same port with the same data, as a database outage.
 *
 * <p>Its superuser {@value #USER} connects without a password. Every other role either does too
 * ({@link #start}) or must authenticate with its password ({@link #startWithPasswords}).
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String USER = "postgres";

    private final String name;
    private final Path dataDirectory;
    private final int port;

    /** The client authentication file the server uses instead of its own; null: its own. */
    private final Path hbaFile;

    private EmbeddedPostgres server;

    private LocalPostgres(String name, Path dataDirectory, int port, Path hbaFile) {
        this.name = name;
        this.dataDirectory = dataDirectory;
        this.port = port;
        this.hbaFile = hbaFile;
    }

    /**
     * Client authentication where every role but {@value #USER} gives its password (SCRAM): for a
     * test that a password reaches the server and a wrong one is refused.
     */
    private static final String PASSWORD_HBA =
            """
            # TYPE  DATABASE     USER      ADDRESS        METHOD
            local   all          postgres                 trust
            host    all          postgres  127.0.0.1/32   trust
            host    all          postgres  ::1/128        trust
            host    replication  postgres  127.0.0.1/32   trust
            host    replication  postgres  ::1/128        trust
            host    all          all       127.0.0.1/32   scram-sha-256
            host    all          all       ::1/128        scram-sha-256
            host    replication  all       127.0.0.1/32   scram-sha-256
            host    replication  all       ::1/128        scram-sha-256
            """;

    /**
     * Starts a server with a fresh data directory where every role trusts; {@code name} is only
     * used in messages.
     */
    public static LocalPostgres start(String name) throws IOException {
        return start(name, null);
    }

    /**
     * Starts a server with a fresh data directory where every role but {@value #USER} must
     * authenticate with its password ({@code scram-sha-256}).
     */
    public static LocalPostgres startWithPasswords(String name) throws IOException {
        Path hba = Files.createTempFile("bidisync-pg-hba-" + name, ".conf");
        Files.writeString(hba, PASSWORD_HBA);
        return start(name, hba);
    }

    private static LocalPostgres start(String name, Path hbaFile) throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        LocalPostgres postgres =
                new LocalPostgres(
                        name, Files.createTempDirectory("bidisync-pg-" + name), port, hbaFile);
        postgres.startServer();
        Runtime.getRuntime().addShutdownHook(new Thread(postgres::closeQuietly));
        return postgres;
    }

    private synchronized void startServer() throws IOException {
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
        if (hbaFile != null) {
            builder.setServerConfig("hba_file", hbaFile.toString());
        }
        server =
                builder.setDataDirectory(dataDirectory)
                        .setPort(port)
                        // The data outlives a stop; close() removes it.
                        .setCleanDataDirectory(false)
                        .setRegisterShutdownHook(false)
                        .setServerConfig("wal_level", "logical")
                        // The CDC source takes one slot per system plus one per snapshot reader.
                        .setServerConfig("max_replication_slots", "20")
                        .setServerConfig("max_wal_senders", "20")
                        .setServerConfig("fsync", "off")
                        // Commit times of every transaction: the tests' invariant checker orders
                        // changes across servers by them.
                        .setServerConfig("track_commit_timestamp", "on")
                        .setLocaleConfig("locale", "C.UTF-8")
                        .setLocaleConfig("encoding", "UTF8")
                        .start();
    }

    /** Stops the server (a fast shutdown: open connections are terminated); the data stays. */
    public synchronized void stop() throws IOException {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts a stopped server again, on the same port with the same data. */
    public synchronized void restart() throws IOException {
        if (server == null) {
            startServer();
        }
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + port + "/" + database;
    }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database), USER, "");
    }

    /** Creates a database; the name must be a plain identifier. */
    public void createDatabase(String database) throws SQLException {
        if (!database.matches("[a-z][a-z0-9_]*")) {
            throw new IllegalArgumentException(
                    "database names here are plain lower-case identifiers");
        }
        try (Connection c = connect("postgres");
                Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    /** Runs SQL statements (separated by ';') in a database. */
    public void execute(String database, String sql) throws SQLException {
        try (Connection c = connect(database);
                Statement s = c.createStatement()) {
            s.execute(sql);
        }
    }

    /** Stops the server and removes its data. */
    @Override
    public synchronized void close() throws IOException {
        stop();
        if (hbaFile != null) {
            Files.deleteIfExists(hbaFile);
        }
        if (Files.exists(dataDirectory)) {
            try (Stream<Path> files = Files.walk(dataDirectory)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException e) {
            // The JVM is exiting; what is left is in the temp folder.
        }
    }
}
