package io.bidisync.job.testutil;

import io.bidisync.embedded.LocalPostgres;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One PostgreSQL server per system name for the whole test JVM: starting a server takes seconds, a
 * fresh database on it milliseconds. Servers stop when the JVM exits.
 *
 * <p>The tests' superuser ({@link LocalPostgres#USER}) connects without a password; every other
 * role must give its own ({@code scram-sha-256}), as on a real server: a test with a
 * least-privilege user shows that the password the job is given really authenticates it.
 */
public final class TestServers {
    private static final Map<String, LocalPostgres> SERVERS = new ConcurrentHashMap<>();

    private TestServers() {}

    public static LocalPostgres of(String system) {
        return SERVERS.computeIfAbsent(
                system,
                name -> {
                    try {
                        return LocalPostgres.startWithPasswords(name);
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot start PostgreSQL for " + name, e);
                    }
                });
    }
}
