package io.bidisync.job.deadletter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reports dead letters to the job's log, one WARN line each with system, key, operation and reason.
 * The payload is cut to a bounded length: it can hold personal data and unbounded text.
 */
public final class DeadLetterLog {
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterLog.class);
    private static final int MAX_PAYLOAD_CHARS = 500;

    private DeadLetterLog() {}

    public static void report(DeadLetter deadLetter) {
        String payload = deadLetter.payload();
        if (payload != null && payload.length() > MAX_PAYLOAD_CHARS) {
            payload = payload.substring(0, MAX_PAYLOAD_CHARS) + "…";
        }
        LOG.warn(
                "Dead letter: system={} key={} operation={} reason={} payload={}",
                deadLetter.system(),
                deadLetter.key(),
                deadLetter.operation(),
                deadLetter.reason(),
                payload);
    }
}
