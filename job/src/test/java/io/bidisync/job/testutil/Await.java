package io.bidisync.job.testutil;

import java.time.Duration;
import java.util.concurrent.Callable;

/** Polling with a deadline: no test waits forever. */
public final class Await {
    private Await() {}

    /**
     * Polls {@code condition} until it holds; fails with {@code state}'s last value after {@code
     * timeout}.
     */
    public static void until(
            String what, Duration timeout, Callable<Boolean> condition, Callable<Object> state)
            throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (condition.call()) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError(
                        "Timed out after "
                                + timeout
                                + " waiting for "
                                + what
                                + "; last state: "
                                + state.call());
            }
            Thread.sleep(200);
        }
    }

    public static void until(String what, Duration timeout, Callable<Boolean> condition)
            throws Exception {
        until(what, timeout, condition, () -> "(n/a)");
    }
}
