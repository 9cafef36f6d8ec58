package io.bidisync.job.config;

import java.util.List;

/** A configuration that cannot be used; carries every problem found, one line each. */
public class ConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    public ConfigException(List<String> problems) {
        super(String.join(System.lineSeparator(), problems));
        this.problems = List.copyOf(problems);
    }

    /** One line per problem, each starting with the key it is about. */
    public List<String> problems() {
        return problems;
    }
}
