package io.bidisync.job.identity;

/**
 * What the identity stage remembers about one source record.
 *
 * @param matchKey the golden record the record is linked to
 * @param version the last version seen, {@code null} without a version column
 * @param valuesHash fingerprint of the last values seen, to drop repeated deliveries
 */
public record RecordIdentity(String matchKey, Long version, long valuesHash) {}
