package io.bidisync.job.config;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parts of a JDBC URL: {@code jdbc:postgresql://host[:port]/database[?…]} (what the CDC source
 * needs), or {@code jdbc:mariadb:} / {@code jdbc:mysql:} {@code //host[:port][/database][?…]} (the
 * first host of a MariaDB driver URL; database {@code null} when it names none).
 */
public record JdbcUrl(String host, int port, String database) implements Serializable {
    private static final Pattern POSTGRES =
            Pattern.compile("jdbc:postgresql://([^/:?]+)(?::(\\d+))?/([^/?]+)(?:\\?.*)?");

    private static final Pattern MYSQL =
            Pattern.compile(
                    "jdbc:(?:mariadb|mysql):(?:[a-z]+:)?//([^/:?,]+)(?::(\\d+))?(?:,[^/?]*)?(?:/([^/?]*))?(?:\\?.*)?");

    /** Parses a URL of any database the job can write to; {@code null} if it is none of them. */
    public static JdbcUrl parse(String url) {
        JdbcUrl postgres = parsePostgres(url);
        return postgres != null ? postgres : parseMySql(url);
    }

    /** Parses a MariaDB-driver URL ({@code jdbc:mariadb:} or {@code jdbc:mysql:}); else null. */
    public static JdbcUrl parseMySql(String url) {
        if (url == null) {
            return null;
        }
        Matcher m = MYSQL.matcher(url);
        if (!m.matches()) {
            return null;
        }
        int port = m.group(2) == null ? 3306 : Integer.parseInt(m.group(2));
        String database = m.group(3) == null || m.group(3).isEmpty() ? null : m.group(3);
        return new JdbcUrl(m.group(1), port, database);
    }

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
