package io.bidisync.job.safety;

import java.util.Arrays;

/**
 * The writes passed to one system within the breaker's window, counted in buckets: pairs of (bucket
 * start, count), oldest first. A value: every change returns a new window.
 *
 * @param windowMillis how far back writes count
 * @param bucketMillis how finely they are counted
 * @param buckets the pairs, as kept in state
 */
record WriteWindow(long windowMillis, long bucketMillis, long[] buckets) {
    /** The window is counted in this many buckets. */
    static final int BUCKETS = 60;

    /** The window as kept in state ({@code null}: empty), seen at {@code now}. */
    static WriteWindow at(long windowMillis, long[] buckets, long now) {
        long bucketMillis = Math.max(1, windowMillis / BUCKETS);
        return new WriteWindow(windowMillis, bucketMillis, buckets == null ? new long[0] : buckets)
                .pruned(now);
    }

    /** The window without the buckets that ended before {@code now - window}. */
    private WriteWindow pruned(long now) {
        int first = 0;
        while (first < buckets.length && buckets[first] + bucketMillis <= now - windowMillis) {
            first += 2;
        }
        return first == 0
                ? this
                : new WriteWindow(
                        windowMillis,
                        bucketMillis,
                        Arrays.copyOfRange(buckets, first, buckets.length));
    }

    /** The window with {@code writes} more writes at {@code now}. */
    WriteWindow plus(long now, long writes) {
        long bucket = now - now % bucketMillis;
        int n = buckets.length;
        long[] out;
        if (n > 0 && buckets[n - 2] == bucket) {
            out = buckets.clone();
            out[n - 1] += writes;
        } else {
            out = Arrays.copyOf(buckets, n + 2);
            out[n] = bucket;
            out[n + 1] = writes;
        }
        return new WriteWindow(windowMillis, bucketMillis, out);
    }

    /** How many writes the window holds. */
    long count() {
        long sum = 0;
        for (int i = 1; i < buckets.length; i += 2) {
            sum += buckets[i];
        }
        return sum;
    }
}
