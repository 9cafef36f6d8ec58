package io.bidisync.udfs.types;

import java.util.ArrayList;
import java.util.List;

/**
 * PostgreSQL's text form of a one-dimensional array ({@code {a,"b c",NULL}}), as {@code psql} and
 * {@code CAST(… AS text)} print it.
 */
final class PostgresArrays {
    private PostgresArrays() {}

    static List<Object> parse(String text) {
        if (!text.startsWith("{") || !text.endsWith("}")) {
            throw new IllegalArgumentException("not an array: '" + text + "'");
        }
        List<Object> out = new ArrayList<>();
        String body = text.substring(1, text.length() - 1);
        if (body.isEmpty()) {
            return out;
        }
        int i = 0;
        while (i <= body.length()) {
            StringBuilder element = new StringBuilder();
            boolean quoted = i < body.length() && body.charAt(i) == '"';
            if (quoted) {
                i++;
                while (i < body.length() && body.charAt(i) != '"') {
                    if (body.charAt(i) == '\\') {
                        i++;
                    }
                    element.append(body.charAt(i++));
                }
                i++; // the closing quote
            } else {
                while (i < body.length() && body.charAt(i) != ',') {
                    element.append(body.charAt(i++));
                }
            }
            if (i < body.length() && body.charAt(i) != ',') {
                throw new IllegalArgumentException("not a one-dimensional array: '" + text + "'");
            }
            String e = quoted ? element.toString() : element.toString().trim();
            out.add(!quoted && e.equalsIgnoreCase("NULL") ? null : e);
            i++; // the comma
        }
        return out;
    }
}
