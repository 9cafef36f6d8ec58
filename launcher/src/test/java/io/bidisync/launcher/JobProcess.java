package io.bidisync.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Starts a JVM of its own on the job's runtime classpath (written by the build to {@code
 * target/runtime-classpath.txt}): as a user's {@code java -jar}, without the tests' classes,
 * logging setup or test-jars.
 */
final class JobProcess {
    private JobProcess() {}

    /** The job's classes and its runtime dependencies. */
    static String classpath() throws IOException {
        String dependencies = Files.readString(Path.of("target", "runtime-classpath.txt")).trim();
        return Path.of("target", "classes").toAbsolutePath()
                + java.io.File.pathSeparator
                + dependencies;
    }

    /**
     * Starts {@code java mainClass args} in {@code dir} with {@code environment}; output to {@code
     * output}.
     */
    static Process start(
            Path dir,
            Map<String, String> environment,
            Path output,
            String mainClass,
            String... args)
            throws IOException {
        List<String> command =
                new ArrayList<>(
                        List.of(
                                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                                "-Xmx1g",
                                "-cp",
                                classpath(),
                                mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder =
                new ProcessBuilder(command)
                        .directory(dir.toFile())
                        .redirectErrorStream(true)
                        .redirectOutput(output.toFile());
        builder.environment().putAll(environment);
        return builder.start();
    }
}
