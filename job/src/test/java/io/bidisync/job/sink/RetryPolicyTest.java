package io.bidisync.job.sink;

import io.bidisync.job.sink.RetryPolicy.Attempts;
import io.bidisync.job.sink.RetryPolicy.Decision;
import io.bidisync.job.testutil.TestConfigs;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** The writer's retry policy on a fake clock: no database, no sleeping. */
class RetryPolicyTest {
    /** 3 retries, 100 ms doubling up to 1 s, outages waited for up to 5 s. */
    private final RetryPolicy policy =
            new RetryPolicy(
                    3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(5));

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final Attempts attempts = policy.start(clock::get);

    @Test
    void theWaitDoublesFromTheBackoffUpToTheCap() {
        assertThat(policy.backoffMillis(0)).isEqualTo(100);
        assertThat(policy.backoffMillis(1)).isEqualTo(200);
        assertThat(policy.backoffMillis(2)).isEqualTo(400);
        assertThat(policy.backoffMillis(3)).isEqualTo(800);
        assertThat(policy.backoffMillis(4)).isEqualTo(1_000);
        // However many attempts: the shift does not overflow into a negative or short wait.
        assertThat(policy.backoffMillis(64)).isEqualTo(1_000);
        assertThat(policy.backoffMillis(Integer.MAX_VALUE)).isEqualTo(1_000);
    }

    @Test
    void anErrorIsRetriedMaxRetriesTimesThenGivenUp() {
        assertThat(attempts.failed(false)).isEqualTo(new Decision(false, 100, 1, -1));
        assertThat(attempts.failed(false)).isEqualTo(new Decision(false, 200, 2, -1));
        assertThat(attempts.failed(false)).isEqualTo(new Decision(false, 400, 3, -1));
        assertThat(attempts.failed(false)).isEqualTo(new Decision(true, 0, 4, -1));
        assertThat(attempts.wasDown()).isFalse();
    }

    @Test
    void noRetriesMeansTheFirstErrorFails() {
        RetryPolicy none =
                new RetryPolicy(0, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ZERO);
        assertThat(none.start(clock::get).failed(false)).isEqualTo(new Decision(true, 0, 1, -1));
    }

    @Test
    void anUnreachableDatabaseIsWaitedForUntilTheOutageTimeout() {
        assertThat(attempts.failed(true)).isEqualTo(new Decision(false, 100, 0, 0));
        clock.addAndGet(2_000);
        assertThat(attempts.failed(true)).isEqualTo(new Decision(false, 200, 0, 2_000));
        clock.addAndGet(2_999);
        // Far more attempts than max-retries: an outage is not an error.
        assertThat(attempts.failed(true)).isEqualTo(new Decision(false, 400, 0, 4_999));
        assertThat(attempts.failed(true)).isEqualTo(new Decision(false, 800, 0, 4_999));
        assertThat(attempts.failed(true)).isEqualTo(new Decision(false, 1_000, 0, 4_999));
        clock.addAndGet(1);
        assertThat(attempts.failed(true)).isEqualTo(new Decision(true, 0, 0, 5_000));
    }

    @Test
    void theOutageCountsFromItsFirstFailureAndTheBackoffFromTheFirstAttempt() {
        assertThat(attempts.failed(false)).isEqualTo(new Decision(false, 100, 1, -1));
        clock.addAndGet(300);
        assertThat(attempts.failed(true)).isEqualTo(new Decision(false, 200, 1, 0));
        clock.addAndGet(700);
        // An error while the database was away: one more error, and the outage goes on counting.
        assertThat(attempts.failed(false)).isEqualTo(new Decision(false, 400, 2, 700));
        assertThat(attempts.failed(false)).isEqualTo(new Decision(false, 800, 3, 700));
        assertThat(attempts.failed(false)).isEqualTo(new Decision(true, 0, 4, 700));
    }

    @Test
    void aFlushThatSucceedsAfterAnOutageKnowsHowLongItWas() {
        assertThat(attempts.wasDown()).isFalse();
        attempts.failed(true);
        clock.addAndGet(3_500);
        attempts.failed(true);
        clock.addAndGet(1_200);
        assertThat(attempts.wasDown()).isTrue();
        assertThat(attempts.downMillis()).isEqualTo(4_700);
    }

    @Test
    void eachFlushStartsAfresh() {
        attempts.failed(false);
        attempts.failed(true);
        Attempts next = policy.start(clock::get);
        assertThat(next.wasDown()).isFalse();
        assertThat(next.failed(false)).isEqualTo(new Decision(false, 100, 1, -1));
    }

    @Test
    void theWriterSettingsAreThePolicy() {
        RetryPolicy defaults = RetryPolicy.of(TestConfigs.offline().writer());
        assertThat(defaults.maxRetries()).isEqualTo(3);
        assertThat(defaults.backoffMillis(0)).isEqualTo(500);
        assertThat(defaults.backoffMillis(10)).isEqualTo(10_000);
        Attempts outage = defaults.start(clock::get);
        outage.failed(true);
        clock.addAndGet(Duration.ofMinutes(5).toMillis() - 1);
        assertThat(outage.failed(true).giveUp()).isFalse();
        clock.addAndGet(1);
        assertThat(outage.failed(true).giveUp()).isTrue();
    }
}
