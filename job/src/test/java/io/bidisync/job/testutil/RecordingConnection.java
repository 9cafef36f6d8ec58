package io.bidisync.job.testutil;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Function;

/**
 * A {@link Connection} without a database that records the SQL of every statement prepared or
 * executed on it, so code that builds its statements where it runs them can be checked without a
 * server. Queries answer with the rows {@code results} gives for their SQL (no rows by default);
 * everything else does nothing and returns zero, false or null.
 */
public final class RecordingConnection {
    private final List<String> statements = new ArrayList<>();
    private final Function<String, List<Object[]>> results;
    private final Connection connection;

    private RecordingConnection(Function<String, List<Object[]>> results) {
        this.results = results;
        this.connection = proxy(Connection.class, this::onConnection);
    }

    /** A connection whose queries return no rows. */
    public static RecordingConnection empty() {
        return new RecordingConnection(sql -> List.of());
    }

    /** A connection whose queries return the rows {@code results} gives for their SQL. */
    public static RecordingConnection answering(Function<String, List<Object[]>> results) {
        return new RecordingConnection(results);
    }

    public Connection connection() {
        return connection;
    }

    /** The SQL of every statement so far, in order. */
    public List<String> statements() {
        return List.copyOf(statements);
    }

    private Object onConnection(String method, Object[] args) {
        return switch (method) {
            case "prepareStatement" -> {
                String sql = (String) args[0];
                statements.add(sql);
                yield statement(PreparedStatement.class, sql);
            }
            case "createStatement" -> statement(Statement.class, null);
            default -> null;
        };
    }

    private <T extends Statement> T statement(Class<T> type, String prepared) {
        return proxy(
                type,
                (method, args) -> {
                    String sql = prepared;
                    if (args != null && args.length > 0 && args[0] instanceof String s) {
                        sql = s;
                        statements.add(s);
                    }
                    return switch (method) {
                        case "executeQuery", "getGeneratedKeys" -> resultSet(results.apply(sql));
                        case "executeBatch" -> new int[0];
                        default -> null;
                    };
                });
    }

    private ResultSet resultSet(List<Object[]> rows) {
        Iterator<Object[]> remaining = rows.iterator();
        Object[][] current = {null};
        return proxy(
                ResultSet.class,
                (method, args) -> {
                    if (method.equals("next")) {
                        current[0] = remaining.hasNext() ? remaining.next() : null;
                        return current[0] != null;
                    }
                    if (method.startsWith("get")
                            && current[0] != null
                            && args != null
                            && args[0] instanceof Integer i) {
                        return current[0][i - 1];
                    }
                    return null;
                });
    }

    private interface Handler {
        Object handle(String method, Object[] args) throws Exception;
    }

    private static <T> T proxy(Class<T> type, Handler handler) {
        InvocationHandler invocation =
                (p, method, args) -> {
                    if (method.getName().equals("toString")) {
                        return type.getSimpleName() + " (recording)";
                    }
                    Object result = handler.handle(method.getName(), args);
                    return result != null ? result : zero(method.getReturnType());
                };
        return type.cast(
                Proxy.newProxyInstance(
                        RecordingConnection.class.getClassLoader(),
                        new Class<?>[] {type},
                        invocation));
    }

    private static Object zero(Class<?> type) {
        if (type == boolean.class) {
            return false;
        }
        if (type == int.class) {
            return 0;
        }
        if (type == long.class) {
            return 0L;
        }
        return null;
    }
}
