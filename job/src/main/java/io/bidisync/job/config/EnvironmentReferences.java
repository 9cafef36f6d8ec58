package io.bidisync.job.config;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code ${VAR}} references in configuration values: one syntax for what the loader resolves at
 * once and what stays a reference until a client is built (passwords, Kafka secrets).
 */
final class EnvironmentReferences {
    static final Pattern PATTERN = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)}");

    private EnvironmentReferences() {}

    /** The variables {@code text} refers to, in order. */
    static List<String> names(String text) {
        List<String> out = new ArrayList<>();
        Matcher m = PATTERN.matcher(text);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /**
     * {@code text} with every reference replaced by its value in {@code environment}; a variable
     * without one is passed to {@code missing} and replaced by nothing.
     */
    static String resolve(
            String text, Function<String, String> environment, Consumer<String> missing) {
        Matcher m = PATTERN.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String resolved = environment.apply(m.group(1));
            if (resolved == null) {
                missing.accept(m.group(1));
                resolved = "";
            }
            m.appendReplacement(out, Matcher.quoteReplacement(resolved));
        }
        m.appendTail(out);
        return out.toString();
    }
}
