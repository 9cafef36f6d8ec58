package io.bidisync.job.config;

import java.io.Serializable;

/**
 * A password, held as the name of the environment variable that contains it.
 *
 * <p>The value is read only where a connection is opened: by the writers on the TaskManagers, and
 * by {@code validate} and the job's start-up where {@code main()} runs. The configuration itself
 * never holds it, so it cannot end up in a log line, an exception message or a metric; {@link
 * #toString()} shows only the variable name. (The CDC connector is the exception: its builder takes
 * the password when the job is assembled, so it is part of that source's serialised configuration,
 * which the dashboard does not show.)
 */
public final class Secret implements Serializable {
    private static final long serialVersionUID = 1L;

    private final String environmentVariable;

    public Secret(String environmentVariable) {
        this.environmentVariable = environmentVariable;
    }

    public String environmentVariable() {
        return environmentVariable;
    }

    /** The secret's value, or {@code null} if the variable is not set. Never log it. */
    public String reveal() {
        return System.getenv(environmentVariable);
    }

    @Override
    public String toString() {
        return "${" + environmentVariable + "}";
    }
}
