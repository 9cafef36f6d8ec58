package io.bidisync.job.config;

import java.io.Serializable;

/**
 * A Kafka topic that receives dead letters (instead of a dead-letter table), as JSON keyed by
 * system.
 *
 * @param kafka the cluster
 * @param topic the topic
 */
public record DeadLetterTopic(KafkaConnection kafka, String topic) implements Serializable {}
