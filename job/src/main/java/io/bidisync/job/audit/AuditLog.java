package io.bidisync.job.audit;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;
import io.bidisync.job.deadletter.DeadLetterProducer;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Stores audit entries, one batch per call: in the audit table, or in the audit topic (JSON keyed
 * by golden id, each batch acknowledged by the brokers before the call returns). An entry that
 * cannot be stored is logged instead (a WARN line each): the audit never stops the sync.
 *
 * <p>Used on the task's own thread; it opens its connection or producer when first needed.
 */
public final class AuditLog implements Serializable, AutoCloseable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
    private static final long SEND_TIMEOUT_MS = 30_000;

    private final SyncConfig.Audit audit;
    private final SystemConfig database;
    private final String insertSql;

    private transient Connection connection;
    private transient KafkaProducer<byte[], byte[]> producer;

    private AuditLog(SyncConfig config) {
        this.audit = config.audit();
        this.database = audit.toTopic() ? null : config.system(audit.system());
        this.insertSql = audit.toTopic() ? null : JobTables.insertAuditSql(config);
    }

    /** The audit log of {@code config}, or {@code null} when the audit is off. */
    public static AuditLog of(SyncConfig config) {
        return config.audit() == null ? null : new AuditLog(config);
    }

    public void record(List<AuditEntry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        try {
            if (audit.toTopic()) {
                send(entries);
            } else {
                insert(entries);
            }
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            LOG.warn(
                    "{} audit entries kept in the log only: cannot store them in {} ({})",
                    entries.size(),
                    audit.toTopic() ? "topic " + audit.topic() : "system " + database.name(),
                    e.getCause() == null ? e.toString() : e.getCause().toString());
            entries.forEach(entry -> LOG.warn("Audit: {}", entry));
            close();
        }
    }

    private void insert(List<AuditEntry> entries) throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = Database.connect(database);
            connection.setAutoCommit(true);
        }
        try (PreparedStatement ps = connection.prepareStatement(insertSql)) {
            for (AuditEntry e : entries) {
                if (e.eventTime() == Long.MAX_VALUE) {
                    ps.setNull(1, Types.BIGINT);
                } else {
                    ps.setLong(1, e.eventTime());
                }
                ps.setString(2, e.goldenId());
                ps.setString(3, e.system());
                ps.setString(4, e.row());
                ps.setString(5, e.action());
                ps.setString(6, e.expectedVersion());
                ps.setString(7, e.resultingVersion());
                ps.setString(8, e.reason());
                ps.setString(9, e.detail());
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void send(List<AuditEntry> entries) throws Exception {
        if (producer == null) {
            producer = DeadLetterProducer.acknowledgedProducer(audit.kafka());
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>(entries.size());
        for (AuditEntry e : entries) {
            sent.add(
                    producer.send(
                            new ProducerRecord<>(
                                    audit.topic(),
                                    e.goldenId().getBytes(StandardCharsets.UTF_8),
                                    json(e))));
        }
        for (Future<RecordMetadata> f : sent) {
            f.get(SEND_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** An entry as the audit topic holds it. */
    static byte[] json(AuditEntry e) {
        ObjectNode node = new ObjectMapper().createObjectNode();
        if (e.eventTime() != Long.MAX_VALUE) {
            node.put("event_time", e.eventTime());
        }
        node.put("golden_id", e.goldenId());
        node.put("system", e.system());
        node.put("row", e.row());
        node.put("action", e.action());
        node.put("expected_version", e.expectedVersion());
        node.put("resulting_version", e.resultingVersion());
        node.put("reason", e.reason());
        node.put("detail", e.detail());
        return node.toString().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public void close() {
        Database.closeQuietly(connection);
        connection = null;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
            producer = null;
        }
    }
}
