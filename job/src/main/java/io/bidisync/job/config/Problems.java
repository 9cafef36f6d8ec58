package io.bidisync.job.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems found in one configuration file, one line each, {@code path: problem}, in the order
 * they were found.
 *
 * <p>Readers report here instead of throwing so that a user sees every problem of a file at once
 * and fixes it in one round.
 */
final class Problems {
    private final List<String> lines = new ArrayList<>();

    /** Records that the value at {@code path} (like {@code systems.erp.table}) has a problem. */
    void add(String path, String message) {
        lines.add(path + ": " + message);
    }

    /** How many problems were found so far. */
    int count() {
        return lines.size();
    }

    /** The problems found so far, {@code path: problem} each. */
    List<String> lines() {
        return List.copyOf(lines);
    }

    /** Fails with every problem found, if there is one. */
    void throwIfAny() throws ConfigException {
        if (!lines.isEmpty()) {
            throw new ConfigException(lines);
        }
    }
}
