package io.bidisync.job.testutil;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Finds the words of a SQL statement that stand outside quotes and are not SQL: every table, schema
 * and column the job names must be quoted, so that a name a database reserves (MySQL 8's {@code
 * SYSTEM}, PostgreSQL's {@code USER}) still works — also one no database at hand reserves. String
 * literals and quoted identifiers are skipped; every other word must be one of the keywords,
 * functions, types and collations the job's statements use. {@code KEY} counts as a keyword only in
 * {@code PRIMARY KEY} and {@code DUPLICATE KEY}: the dead-letter table has a column of that name.
 */
public final class SqlQuoting {
    /** The words a statement may have outside quotes, upper case. */
    private static final Set<String> SQL_WORDS =
            Set.of(
                    // statements and clauses
                    "SELECT",
                    "INSERT",
                    "INTO",
                    "VALUES",
                    "UPDATE",
                    "SET",
                    "WHERE",
                    "FROM",
                    "DELETE",
                    "CREATE",
                    "ALTER",
                    "ADD",
                    "DROP",
                    "TABLE",
                    "INDEX",
                    "COLUMN",
                    "PUBLICATION",
                    "FOR",
                    "IF",
                    "ON",
                    "ORDER",
                    "BY",
                    "PRIMARY",
                    "DUPLICATE",
                    "CONFLICT",
                    "DO",
                    "EXCLUDED",
                    "RETURNING",
                    "DUAL",
                    "EXPLAIN",
                    "LOCAL",
                    "AND",
                    "OR",
                    "NOT",
                    "EXISTS",
                    "IN",
                    "IS",
                    "DISTINCT",
                    "NULL",
                    "DEFAULT",
                    "AS",
                    "CASE",
                    "WHEN",
                    "THEN",
                    "ELSE",
                    "END",
                    "COLLATE",
                    "USING",
                    "VIRTUAL",
                    "ENGINE",
                    "CHARSET",
                    "AUTO_INCREMENT",
                    // types
                    "INT",
                    "INTEGER",
                    "BIGINT",
                    "BIGSERIAL",
                    "TEXT",
                    "VARCHAR",
                    "MEDIUMTEXT",
                    "LONGTEXT",
                    "VARBINARY",
                    "BINARY",
                    "TIMESTAMP",
                    "TIMESTAMPTZ",
                    // functions and their arguments
                    "CAST",
                    "CONVERT",
                    "COUNT",
                    "COALESCE",
                    "NOW",
                    "CURRENT_TIMESTAMP",
                    "CLOCK_TIMESTAMP",
                    "LOWER",
                    "TRANSLATE",
                    "NORMALIZE",
                    "NFC",
                    "BTRIM",
                    "REGEXP_REPLACE",
                    "REPLACE",
                    "CONCAT",
                    "CHAR",
                    "OCTET_LENGTH",
                    "CHAR_LENGTH",
                    "HAS_TABLE_PRIVILEGE",
                    // settings, engines, character sets and collations
                    "ENABLE_SEQSCAN",
                    "OFF",
                    "INNODB",
                    "UTF8MB4",
                    "UTF8MB4_UNICODE_520_CI");

    private SqlQuoting() {}

    /**
     * The words of {@code sql} outside quotes and literals that are not SQL: identifiers left
     * unquoted. {@code quote} is the dialect's identifier quote ({@code "} or {@code `}); in MySQL
     * a double-quoted text is a string, and a backslash escapes in every string.
     */
    public static List<String> unquotedWords(String sql, char quote) {
        boolean mysql = quote == '`';
        List<String> words = new ArrayList<>();
        String previous = "";
        int i = 0;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (c == quote || c == '\'' || (mysql && c == '"')) {
                boolean backslashEscapes = mysql && c != quote || isEscapeString(sql, i);
                i = skipQuoted(sql, i, backslashEscapes);
                previous = "";
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < sql.length()
                        && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_')) {
                    i++;
                }
                String word = sql.substring(start, i);
                String upper = word.toUpperCase(Locale.ROOT);
                boolean escapeStringPrefix =
                        upper.equals("E") && i < sql.length() && sql.charAt(i) == '\'';
                boolean keyword =
                        upper.equals("KEY")
                                ? previous.equals("PRIMARY") || previous.equals("DUPLICATE")
                                : SQL_WORDS.contains(upper);
                if (!escapeStringPrefix && !keyword) {
                    words.add(word);
                }
                previous = upper;
            } else if (Character.isDigit(c)) {
                while (i < sql.length() && Character.isLetterOrDigit(sql.charAt(i))) {
                    i++;
                }
            } else {
                i++;
            }
        }
        return words;
    }

    /**
     * The statements that have words outside quotes that are not SQL, with those words; empty when
     * every identifier is quoted.
     */
    public static Map<String, List<String>> unquoted(Collection<String> statements, char quote) {
        Map<String, List<String>> unquoted = new LinkedHashMap<>();
        for (String sql : statements) {
            List<String> words = unquotedWords(sql, quote);
            if (!words.isEmpty()) {
                unquoted.put(sql, words);
            }
        }
        return unquoted;
    }

    private static boolean isEscapeString(String sql, int quoteAt) {
        return sql.charAt(quoteAt) == '\''
                && quoteAt > 0
                && (sql.charAt(quoteAt - 1) == 'E' || sql.charAt(quoteAt - 1) == 'e')
                && (quoteAt == 1 || !Character.isLetterOrDigit(sql.charAt(quoteAt - 2)));
    }

    /** The index after the quoted text starting at {@code start}; a doubled quote escapes. */
    private static int skipQuoted(String sql, int start, boolean backslashEscapes) {
        char q = sql.charAt(start);
        int i = start + 1;
        while (i < sql.length()) {
            char c = sql.charAt(i);
            if (backslashEscapes && c == '\\') {
                i += 2;
            } else if (c == q) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == q) {
                    i += 2;
                } else {
                    return i + 1;
                }
            } else {
                i++;
            }
        }
        throw new IllegalArgumentException("unterminated quote in: " + sql);
    }
}
