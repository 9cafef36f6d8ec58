package io.bidisync.job.config;

import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.normalize.MatchKey;
import io.bidisync.udfs.types.StoredType;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * Reads {@code systems}: for each, its connection, table, keys, column mapping, what the job may
 * write and where its changes come from ({@link SourceReader}).
 */
final class SystemsReader {
    static final Set<String> SYSTEM_KEYS =
            Set.of(
                    "connection",
                    "table",
                    "primary-key",
                    "version-column",
                    "version-managed-by",
                    "columns",
                    "write",
                    "deletes",
                    "create-publication",
                    "source",
                    "lossy");
    static final Set<String> CONNECTION_KEYS = Set.of("url", "username", "password");

    private final String syncName;
    private final Attributes attributes;
    private final MatchKey matchKey;

    /**
     * @param syncName the sync's name, part of default Kafka ids
     * @param attributes the global attributes, null if they could not be read
     * @param matchKey the match key, null if it could not be read
     */
    SystemsReader(String syncName, Attributes attributes, MatchKey matchKey) {
        this.syncName = syncName;
        this.attributes = attributes;
        this.matchKey = matchKey;
    }

    /**
     * Reads every system of {@code systems} into {@code out}, in file order; a system with a
     * problem in its settings is left out (an unknown key or a bad name alone does not).
     */
    void read(YamlNode systems, Map<String, SystemConfig> out) {
        if (systems.isEmpty()) {
            systems.problem("must define at least one system");
        }
        for (Map.Entry<?, ?> e : systems.entries()) {
            String name = String.valueOf(e.getKey());
            SystemConfig system = system(systems, name, e.getValue());
            if (system != null) {
                out.put(name, system);
            }
        }
    }

    private SystemConfig system(YamlNode systems, String name, Object value) {
        if (!SqlIdentifier.isValid(name) || !name.equals(name.toLowerCase(Locale.ROOT))) {
            systems.problem(name, "system names must be lower case letters, digits and '_'");
        }
        if (!(value instanceof Map<?, ?> map)) {
            systems.problem(
                    name, "expected a mapping with connection, table, primary-key, columns");
            return null;
        }
        YamlNode node = systems.child(name, map);
        node.rejectUnknownKeys(SYSTEM_KEYS);
        // A problem in a setting below leaves the system out; a bad name or an unknown key alone
        // does not, so that the checks between sections still see the system.
        int before = node.problemCount();

        String url = null;
        String username = null;
        Secret password = null;
        YamlNode connection = node.map("connection", true);
        if (connection != null) {
            connection.rejectUnknownKeys(CONNECTION_KEYS);
            url = connection.string("url", true);
            if (url != null && JdbcUrl.parse(url) == null) {
                connection.problem(
                        "url",
                        "must be a JDBC URL like jdbc:postgresql://host:5432/db, jdbc:mariadb://host:3306/db or jdbc:mysql://host:3306/db");
            }
            username = connection.string("username", true);
            password = password(connection);
        }

        TableName table = table(node);
        List<String> primaryKey = node.identifiers("primary-key", true);
        String versionColumn = node.identifier("version-column", false);
        VersionOwner versionOwner = VersionOwner.JOB;
        String owner = node.string("version-managed-by", false);
        if (owner != null) {
            versionOwner = node.enumValue(VersionOwner.class, "version-managed-by", owner);
            if (versionColumn == null) {
                node.problem("version-managed-by", "is set but there is no version-column");
            }
        }
        Map<String, String> columns = columns(node, versionColumn);

        Set<WriteOperation> write =
                node.enumSet(
                        WriteOperation.class,
                        "write",
                        EnumSet.of(WriteOperation.INSERT, WriteOperation.UPDATE));
        DeletePolicy deletes = DeletePolicy.IGNORE;
        String deletesText = node.string("deletes", false);
        if (deletesText != null) {
            deletes = node.enumValue(DeletePolicy.class, "deletes", deletesText);
        }
        boolean createPublication = node.bool("create-publication", true);
        Map<String, StoredType> lossy = lossy(node, columns);
        YamlNode source = node.map("source", false);
        DebeziumTopic changeTopic = SourceReader.changeTopic(source, syncName, name);
        // The kind as written, without ${VAR} replaced, as the loader always judged it: a kind
        // given as a reference reads a change topic above but still needs a PostgreSQL URL here.
        boolean fromKafka = source != null && SourceReader.DEBEZIUM.equals(source.value("kind"));
        if (!fromKafka && url != null && JdbcUrl.parsePostgres(url) == null) {
            node.problem(
                    "source.kind",
                    "the job reads changes by CDC from PostgreSQL only; for this database set"
                            + " kafka-debezium and a Debezium change topic");
        }
        if (node.problemCount() > before) {
            return null;
        }
        return new SystemConfig(
                name,
                url,
                username,
                password,
                table,
                primaryKey,
                versionColumn,
                versionOwner,
                Collections.unmodifiableMap(columns),
                Collections.unmodifiableSet(write),
                deletes,
                createPublication,
                changeTopic,
                Collections.unmodifiableMap(lossy));
    }

    /** {@code lossy}: mapped attributes whose column holds less than their values. */
    private Map<String, StoredType> lossy(YamlNode node, Map<String, String> columns) {
        Map<String, StoredType> lossy = new LinkedHashMap<>();
        if (!node.has("lossy")) {
            return lossy;
        }
        List<String> names = node.stringList("lossy", false);
        for (String attribute : names == null ? List.<String>of() : names) {
            if (!columns.containsKey(attribute)) {
                node.problem("lossy", "'" + attribute + "' is not an attribute this system maps");
            } else {
                lossy.put(attribute, StoredType.UNREAD);
            }
        }
        return lossy;
    }

    /** {@code password}: only a {@code ${VAR}} reference, which stays one (see {@link Secret}). */
    private static Secret password(YamlNode connection) {
        Object value = connection.value("password");
        if (value == null) {
            return null;
        }
        Matcher m = EnvironmentReferences.PATTERN.matcher(String.valueOf(value));
        if (!(value instanceof String) || !m.matches()) {
            // The literal is not repeated in the message: it is a secret.
            connection.problem(
                    "password",
                    "must be an environment variable reference like ${CRM_PASSWORD}; literal passwords are not accepted");
            return null;
        }
        return new Secret(m.group(1));
    }

    /** {@code table}: {@code schema.table}, or {@code table} in schema {@code public}. */
    private static TableName table(YamlNode node) {
        String text = node.string("table", true);
        if (text == null) {
            return null;
        }
        String[] parts = text.split("\\.", -1);
        if (parts.length == 1) {
            parts = new String[] {"public", parts[0]};
        }
        if (parts.length != 2
                || !SqlIdentifier.isValid(parts[0])
                || !SqlIdentifier.isValid(parts[1])) {
            node.problem(
                    "table",
                    "must be 'schema.table' or 'table' made of plain SQL identifiers, got "
                            + SqlIdentifier.describe(text));
            return null;
        }
        return new TableName(parts[0], parts[1]);
    }

    /**
     * {@code columns}: attribute → column, in attribute order. The version column stays local to
     * each system; primary-key columns may carry attributes (a natural key such as an order number
     * is data, and lets the job insert rows into a table whose key is not generated).
     */
    private Map<String, String> columns(YamlNode node, String versionColumn) {
        Map<String, String> columns = new LinkedHashMap<>();
        YamlNode columnsNode = node.map("columns", true);
        if (columnsNode == null || attributes == null) {
            return columns;
        }
        Map<String, String> byAttribute = new LinkedHashMap<>();
        for (Map.Entry<?, ?> e : columnsNode.entries()) {
            String attribute = String.valueOf(e.getKey());
            if (!CrossChecks.isAttribute(columnsNode, attribute, attribute, attributes)) {
                continue;
            }
            if (!(e.getValue() instanceof String column) || !SqlIdentifier.isValid(column)) {
                columnsNode.problem(
                        attribute,
                        "must name a column with a plain SQL identifier, got "
                                + SqlIdentifier.describe(String.valueOf(e.getValue())));
            } else if (byAttribute.containsValue(column)) {
                columnsNode.problem(
                        attribute, "column '" + column + "' is mapped to two attributes");
            } else {
                byAttribute.put(attribute, column);
            }
        }
        for (String attribute : attributes.names()) {
            if (byAttribute.containsKey(attribute)) {
                columns.put(attribute, byAttribute.get(attribute));
            }
        }
        CrossChecks.mapsMatchKey(node, columns, matchKey, attributes);
        if (versionColumn != null && columns.containsValue(versionColumn)) {
            node.problem(
                    "columns", "maps the version column '" + versionColumn + "' to an attribute");
        }
        return columns;
    }
}
