package io.bidisync.job.demo;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.io.IOException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL server started from binaries shipped in a jar (no installation, no Docker),
 * configured for logical replication: what the demo and the tests sync between.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String USER = "postgres";

    private final String name;
    private final EmbeddedPostgres server;

    private LocalPostgres(String name, EmbeddedPostgres server) {
        this.name = name;
        this.server = server;
    }

    /** Starts a server; {@code name} is only used in messages. */
    public static LocalPostgres start(String name) throws IOException {
        EmbeddedPostgres server =
                EmbeddedPostgres.builder()
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
        return new LocalPostgres(name, server);
    }

    public String name() {
        return name;
    }

    public int port() {
        return server.getPort();
    }

    public String jdbcUrl(String database) {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + database;
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

    @Override
    public void close() throws IOException {
        server.close();
    }
}
