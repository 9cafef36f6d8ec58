package io.bidisync.job.config;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The parts of a {@code jdbc:postgresql://host[:port]/database[?…]} URL the CDC source needs. */
public record JdbcUrl(String host, int port, String database) implements Serializable {
    private static final Pattern POSTGRES =
            Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^/?]+)(?:\\?.*)?");

    /** Parses a PostgreSQL JDBC URL; {@code null} if it is not one. */
    public static JdbcUrl parsePostgres(String url) {
        if (url == null) {
            return null;
        }
        Matcher m = POSTGRES.matcher(url);
        if (!m.matches()) {
            return null;
        }
        int port = m.group(2) == null ? 5432 : Integer.parseInt(m.group(2));
        return new JdbcUrl(m.group(1), port, m.group(3));
    }
}
