package io.bidisync.job.config;

import java.io.Serializable;

/**
 * Where golden records are published: a Kafka topic keyed by golden id, written in Kafka
 * transactions that commit with the job's checkpoints.
 *
 * @param kafka the cluster
 * @param topic the topic (ideally {@code cleanup.policy=compact})
 * @param transactionalIdPrefix the prefix of the producers' transactional ids; unique per job on
 *     that cluster, stable across restarts and upgrades
 */
public record GoldenOutput(KafkaConnection kafka, String topic, String transactionalIdPrefix)
        implements Serializable {}
