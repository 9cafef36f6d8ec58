package io.bidisync.job.config;

import java.io.Serializable;

/**
 * A password, held as the name of the environment variable that contains it.
 *
 * <p>The value itself is read only where a connection is opened, on whichever machine that is (the
 * client for {@code validate}, a TaskManager for the job), so it never travels in the job graph and
 * cannot end up in a log line, exception message or the dashboard's configuration view. {@link
 * #toString()} shows only the variable name.
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
