package io.bidisync.job.cli;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/** The few options the commands take: {@code --config FILE}, {@code --port N}, flags. */
final class Arguments {
    private static final Set<String> VALUED =
            Set.of("--config", "--port", "--out", "--key", "--system");

    private final Map<String, String> values = new HashMap<>();
    private final Set<String> flags = new HashSet<>();

    private Arguments() {}

    static Arguments parse(String[] args, PrintStream err) {
        Arguments parsed = new Arguments();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (VALUED.contains(arg) && i + 1 < args.length) {
                parsed.values.put(arg, args[++i]);
            } else if (arg.startsWith("--")) {
                parsed.flags.add(arg);
            } else {
                err.println("ignoring argument '" + arg + "'");
            }
        }
        return parsed;
    }

    Path config() {
        String value = values.get("--config");
        return value == null ? null : Path.of(value);
    }

    int port() {
        return Integer.parseInt(values.getOrDefault("--port", "8081"));
    }

    /** The value of option {@code name}, or {@code fallback}. */
    String value(String name, String fallback) {
        return values.getOrDefault(name, fallback);
    }

    boolean flag(String name) {
        return flags.contains(name);
    }
}
