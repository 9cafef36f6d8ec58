package io.bidisync.udfs.survivorship;

/**
 * What one source record contributes to a golden record.
 *
 * @param system the system the record lives in
 * @param localId the record's primary key in that system
 * @param values attribute values in attribute order; {@code null} where unmapped or empty
 * @param changedAt per attribute, the event time (source commit time, ms) at which this record's
 *     value last changed by someone other than the job; 0 for values read by the initial snapshot
 */
public record Contribution(String system, String localId, String[] values, long[] changedAt) {}
