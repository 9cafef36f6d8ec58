package io.bidisync.job.testutil;

import io.bidisync.embedded.LocalPostgres;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A Debezium PostgreSQL connector (Debezium's embedded engine, the version inside the CDC
 * connector) publishing one database's changes to Kafka, set up the way docs/databases.md tells
 * users to: the synced table, the job's heartbeat table and its writes table routed into one change
 * topic ({@code ByLogicalTableRouter}), Debezium's heartbeats into their own topic, JSON with
 * schemas. The stand-in for a Debezium on Kafka Connect in a company's own infrastructure.
 */
public final class DebeziumFeed implements AutoCloseable {
    private final DebeziumEngine<ChangeEvent<String, String>> engine;
    private final KafkaProducer<String, String> producer;
    private final ExecutorService executor = Executors.newSingleThreadExecutor();
    private final Future<?> running;

    private DebeziumFeed(Properties properties) {
        producer = TestKafka.producer();
        engine =
                DebeziumEngine.create(Json.class)
                        .using(properties)
                        .notifying(
                                (records, committer) -> {
                                    for (ChangeEvent<String, String> record : records) {
                                        producer.send(
                                                new ProducerRecord<>(
                                                        record.destination(),
                                                        record.key(),
                                                        record.value()));
                                        committer.markProcessed(record);
                                    }
                                    producer.flush();
                                    committer.markBatchFinished();
                                })
                        .build();
        running = executor.submit(engine);
    }

    /**
     * Starts publishing {@code tables} ({@code schema.table}) of {@code database} on the PostgreSQL
     * server under the prefix {@code name}: changes to {@code changeTopic}, heartbeats to {@code
     * __debezium-heartbeat.<name>}.
     */
    public static DebeziumFeed start(
            String name,
            LocalPostgres server,
            String database,
            List<String> tables,
            String changeTopic) {
        Properties p = common(name, tables, "public", changeTopic);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty("database.port", String.valueOf(server.port()));
        p.setProperty("database.user", LocalPostgres.USER);
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", database);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", "feed_" + name + "_" + database);
        p.setProperty("publication.name", "feed_" + name + "_" + database);
        p.setProperty("publication.autocreate.mode", "filtered");
        // The test servers' slots are few and shared by every run of the JVM.
        p.setProperty("slot.drop.on.stop", "true");
        DebeziumFeed feed = new DebeziumFeed(p);
        feed.awaitStreaming(server, database, p.getProperty("slot.name"));
        return feed;
    }

    /**
     * Waits until the connector reads its slot: a change made before that is part of its snapshot,
     * not streamed, and the PostgreSQL connector sends no heartbeat before it has streamed one.
     */
    private void awaitStreaming(LocalPostgres server, String database, String slot) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Connection c = server.connect(database);
                PreparedStatement st =
                        c.prepareStatement(
                                "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND active")) {
            st.setString(1, slot);
            while (System.nanoTime() < deadline) {
                if (running.isDone()) {
                    throw new IllegalStateException("Debezium stopped before it streamed");
                }
                try (ResultSet rs = st.executeQuery()) {
                    if (rs.next()) {
                        return;
                    }
                }
                Thread.sleep(100);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        throw new IllegalStateException("Debezium did not start streaming slot " + slot);
    }

    /**
     * Starts publishing {@code tables} ({@code database.table}) of {@code database} on the MariaDB
     * server with Debezium's MySQL connector, as {@link #start} does. MariaDB's GTIDs are not
     * MySQL's, so the connector gives transaction ids through its transaction metadata.
     */
    public static DebeziumFeed startMySql(
            String name,
            LocalMariaDb server,
            String database,
            List<String> tables,
            String changeTopic) {
        Properties p = common(name, tables, database, changeTopic);
        p.setProperty("connector.class", "io.debezium.connector.mysql.MySqlConnector");
        p.setProperty("database.hostname", "127.0.0.1");
        p.setProperty("database.port", String.valueOf(server.port()));
        p.setProperty("database.user", LocalMariaDb.USER);
        p.setProperty("database.password", "");
        p.setProperty(
                "database.server.id", String.valueOf(5400 + Math.abs(name.hashCode() % 1000)));
        p.setProperty("database.include.list", database);
        p.setProperty("database.history", "io.debezium.relational.history.MemoryDatabaseHistory");
        p.setProperty("include.schema.changes", "false");
        p.setProperty("snapshot.locking.mode", "none");
        p.setProperty("provide.transaction.metadata", "true");
        return new DebeziumFeed(p);
    }

    /** Engine, offsets and the routing of every captured table into the change topic. */
    private static Properties common(
            String name, List<String> tables, String namespace, String changeTopic) {
        Properties p = new Properties();
        p.setProperty("name", "feed-" + name);
        p.setProperty(
                "offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", "localhost");
        p.setProperty("database.server.name", name);
        p.setProperty("table.include.list", String.join(",", tables));
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("heartbeat.interval.ms", "500");
        p.setProperty("transforms", "route");
        p.setProperty("transforms.route.type", "io.debezium.transforms.ByLogicalTableRouter");
        // Tables only: not the heartbeat topic, nor the transaction metadata topic.
        p.setProperty("transforms.route.topic.regex", name + "\\." + namespace + "\\..*");
        p.setProperty("transforms.route.topic.replacement", changeTopic);
        p.setProperty("transforms.route.key.enforce.uniqueness", "false");
        return p;
    }

    /** Debezium's heartbeat topic for the prefix {@code name}. */
    public static String heartbeatTopic(String name) {
        return "__debezium-heartbeat." + name;
    }

    @Override
    public void close() throws IOException {
        engine.close();
        executor.shutdown();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        running.cancel(true);
        producer.close();
    }
}
