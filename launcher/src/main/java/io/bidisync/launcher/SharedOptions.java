package io.bidisync.launcher;

import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The options several commands share, as picocli mixins: one wording, one type. */
final class SharedOptions {
    private SharedOptions() {}

    /** {@code --config FILE}: the sync configuration a command reads. */
    static final class ConfigFile {
        @Option(
                names = "--config",
                paramLabel = "FILE",
                required = true,
                description = "The sync configuration (YAML, one entity type).")
        Path file;
    }

    /** {@code -h, --help}: usage help, which lets required options be left out. */
    static final class Help {
        @Option(
                names = {"-h", "--help"},
                usageHelp = true,
                description = "Show this help message and exit.")
        boolean requested;
    }
}
