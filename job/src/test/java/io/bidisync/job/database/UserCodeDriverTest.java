package io.bidisync.job.database;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.testutil.TestServers;

import org.junit.jupiter.api.Test;

import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The writers connect from the job's own class loader, as on a Flink cluster: a loader of its own
 * (child first there), whose copy of the JDBC driver {@link DriverManager} has not registered when
 * the first connection is opened. A writer that went through {@code DriverManager} took its first
 * connection after every (re)start for an outage ("No suitable driver", SQLState 08001, in the
 * TaskManagers' logs) and waited to retry it.
 */
class UserCodeDriverTest {

    @Test
    void theFirstConnectionFromTheJobsClassLoaderOpens() throws Exception {
        LocalPostgres server = TestServers.of("usercode");
        // DriverManager has loaded the drivers it can see from the application class path.
        DriverManager.getDrivers();
        List<URL> classPath = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            classPath.add(Path.of(entry).toUri().toURL());
        }
        try (URLClassLoader userCode =
                new URLClassLoader(
                        classPath.toArray(new URL[0]), ClassLoader.getPlatformClassLoader())) {
            Class<?> dialects = userCode.loadClass(SqlDialect.class.getName());
            Object sessions =
                    dialects.getMethod("sessions").invoke(dialects.getField("POSTGRES").get(null));
            Method connect =
                    userCode.loadClass(Sessions.class.getName())
                            .getMethod("connect", String.class, String.class, String.class);
            try (Connection connection =
                    (Connection)
                            connect.invoke(
                                    sessions,
                                    server.jdbcUrl("postgres"),
                                    LocalPostgres.USER,
                                    null)) {
                assertThat(connection.isValid(5)).isTrue();
            } catch (InvocationTargetException e) {
                throw new AssertionError("the first connection failed", e.getCause());
            }
        }
    }
}
