package io.bidisync.job.config;

import java.io.Serializable;
import java.time.Duration;

/**
 * A system whose changes arrive as Debezium JSON change events in a Kafka topic, produced by a
 * Debezium connector the job does not run (source kind {@code kafka-debezium}).
 *
 * <p>The topic must carry the synced table, the job's heartbeat table and (for a system the job
 * writes to) its writes table in log order: one topic with one partition, which Debezium's {@code
 * ByLogicalTableRouter} produces. The job's writes still go through the system's JDBC connection.
 *
 * @param kafka the cluster the topic is on
 * @param topic the change topic
 * @param groupId the consumer group, whose committed offsets are the starting point of a job that
 *     starts without a checkpoint (from the beginning without any)
 * @param heartbeatTopic Debezium's heartbeat topic ({@code heartbeat.interval.ms}), or {@code
 *     null}: its messages move the system's watermark while the change topic is idle
 * @param caughtUpAfter how long the change topic must have delivered nothing before a heartbeat
 *     from the heartbeat topic is trusted to mean that nothing older is still unread
 */
public record DebeziumTopic(
        KafkaConnection kafka,
        String topic,
        String groupId,
        String heartbeatTopic,
        Duration caughtUpAfter)
        implements Serializable {}
