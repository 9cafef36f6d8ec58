package io.bidisync.job.sink;

import io.bidisync.job.config.SyncConfig;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How a failed flush is retried ({@code writer.*} settings). The wait after the n-th failed attempt
 * (from 0) is {@code retry-backoff × 2ⁿ}, at most {@code max-backoff}. An error gives up after
 * {@code max-retries} retries; an unreachable database does not count as an error: it is waited for
 * until it has been unreachable for {@code outage-timeout}, since a restarting database is the
 * common case and failing the job would only restart it against the same outage.
 *
 * <p>Immutable. One flush's failures are counted by the {@link Attempts} from {@link #start}, on a
 * clock given to it (the wall clock in the writer, a fake one in tests).
 */
final class RetryPolicy {
    /**
     * Beyond this shift the wait is far above any cap; it also keeps the shift from overflowing.
     */
    private static final int MAX_DOUBLINGS = 20;

    private final int maxRetries;
    private final long backoffMillis;
    private final long maxBackoffMillis;
    private final long outageTimeoutMillis;

    RetryPolicy(int maxRetries, Duration backoff, Duration maxBackoff, Duration outageTimeout) {
        this.maxRetries = maxRetries;
        this.backoffMillis = backoff.toMillis();
        this.maxBackoffMillis = maxBackoff.toMillis();
        this.outageTimeoutMillis = outageTimeout.toMillis();
    }

    /** The policy of the writer settings. */
    static RetryPolicy of(SyncConfig.Writer writer) {
        return new RetryPolicy(
                writer.maxRetries(),
                writer.retryBackoff(),
                writer.maxBackoff(),
                writer.outageTimeout());
    }

    /** How many times an error is retried before the flush fails. */
    int maxRetries() {
        return maxRetries;
    }

    /** The wait after failed attempt {@code attempt} (the first is 0). */
    long backoffMillis(int attempt) {
        return Math.min(maxBackoffMillis, backoffMillis << Math.min(attempt, MAX_DOUBLINGS));
    }

    /** Starts counting the failures of one flush; {@code clock} gives milliseconds. */
    Attempts start(LongSupplier clock) {
        return new Attempts(clock);
    }

    /**
     * What to do after a failed attempt.
     *
     * @param giveUp whether the flush fails now
     * @param waitMillis how long to wait before the next attempt (0 when giving up)
     * @param failures the errors so far, unreachable attempts not counted
     * @param downMillis how long the database has been unreachable in this flush, at this failure
     *     (-1 if it has not been)
     */
    record Decision(boolean giveUp, long waitMillis, int failures, long downMillis) {}

    /** One flush's failed attempts. Not thread-safe. */
    final class Attempts {
        private final LongSupplier clock;
        private int attempt;
        private int failures;
        private long downSince = -1;

        private Attempts(LongSupplier clock) {
            this.clock = clock;
        }

        /**
         * Counts a failed attempt, now.
         *
         * @param unreachable whether the database was unreachable (rather than failing the write)
         */
        Decision failed(boolean unreachable) {
            long now = clock.getAsLong();
            long down;
            boolean giveUp;
            if (unreachable) {
                downSince = downSince < 0 ? now : downSince;
                down = now - downSince;
                giveUp = down >= outageTimeoutMillis;
            } else {
                giveUp = ++failures > maxRetries;
                down = downSince < 0 ? -1 : now - downSince;
            }
            long wait = giveUp ? 0 : backoffMillis(attempt);
            attempt++;
            return new Decision(giveUp, wait, failures, down);
        }

        /** Whether the database was unreachable at some attempt of this flush. */
        boolean wasDown() {
            return downSince >= 0;
        }

        /** How long since the database was first found unreachable in this flush. */
        long downMillis() {
            return clock.getAsLong() - downSince;
        }
    }
}
