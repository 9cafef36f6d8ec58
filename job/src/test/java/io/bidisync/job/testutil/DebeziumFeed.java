package io.bidisync.job.testutil;

import io.bidisync.job.demo.LocalPostgres;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.format.Json;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.IOException;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A Debezium PostgreSQL connector (Debezium's embedded engine, the version inside the CDC
 * connector) publishing one database's changes to Kafka, set up the way the README tells users to:
 * the synced table, the job's heartbeat table and its writes table routed into one change topic
 * ({@code ByLogicalTableRouter}), Debezium's heartbeats into their own topic, JSON with schemas.
 * The stand-in for a Debezium on Kafka Connect in a company's own infrastructure.
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
     * Starts publishing {@code tables} ({@code schema.table}) of {@code database} on the server
     * under the prefix {@code name}: changes to {@code changeTopic}, heartbeats to {@code
     * __debezium-heartbeat.<name>}.
     */
    public static DebeziumFeed start(
            String name,
            LocalPostgres server,
            String database,
            List<String> tables,
            String changeTopic) {
        Properties p = new Properties();
        p.setProperty("name", "feed-" + name);
        p.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
        p.setProperty(
                "offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
        p.setProperty("offset.flush.interval.ms", "0");
        p.setProperty("database.hostname", "localhost");
        p.setProperty("database.port", String.valueOf(server.port()));
        p.setProperty("database.user", LocalPostgres.USER);
        p.setProperty("database.password", "");
        p.setProperty("database.dbname", database);
        p.setProperty("database.server.name", name);
        p.setProperty("plugin.name", "pgoutput");
        p.setProperty("slot.name", "feed_" + name + "_" + database);
        p.setProperty("publication.name", "feed_" + name + "_" + database);
        p.setProperty("publication.autocreate.mode", "filtered");
        p.setProperty("table.include.list", String.join(",", tables));
        p.setProperty("decimal.handling.mode", "string");
        p.setProperty("heartbeat.interval.ms", "500");
        p.setProperty("transforms", "route");
        p.setProperty("transforms.route.type", "io.debezium.transforms.ByLogicalTableRouter");
        p.setProperty("transforms.route.topic.regex", name.replace(".", "\\.") + "\\..*");
        p.setProperty("transforms.route.topic.replacement", changeTopic);
        p.setProperty("transforms.route.key.enforce.uniqueness", "false");
        return new DebeziumFeed(p);
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
