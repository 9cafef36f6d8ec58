package io.bidisync.job.safety;

import io.bidisync.job.golden.WriteIntent;

/**
 * A write the mass-change breaker holds: the newest decision for its target row, and when the first
 * write to that row was held (the order in which held writes are released).
 *
 * @param order the position of the row's first held write among the system's held writes
 * @param write the newest write decided for the row
 */
public record HeldWrite(long order, WriteIntent write) {}
