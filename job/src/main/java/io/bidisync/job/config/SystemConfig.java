package io.bidisync.job.config;

import io.bidisync.udfs.mapping.ColumnMapping;
import io.bidisync.udfs.mapping.PrimaryKey;
import io.bidisync.udfs.model.Attributes;
import io.bidisync.udfs.types.StoredType;

import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One operational system: where its table is, how its columns map to the global attributes, and
 * what the job may write to it.
 *
 * @param name the system's name in the configuration (e.g. {@code crm})
 * @param url JDBC URL of its database
 * @param username database user
 * @param password the user's password, from an environment variable; {@code null} for none
 * @param table the synced table
 * @param primaryKey the table's primary-key columns (one or several), in key order
 * @param versionColumn a counter column, or {@code null}: then UPDATEs compare all mapped columns
 * @param versionManagedBy who increments the version column
 * @param columns global attribute → column, in attribute order
 * @param write the operations the job may perform; empty for a read-only source
 * @param deletes what a delete in this system does elsewhere
 * @param createPublication whether the job creates (and adjusts) its publication; {@code false}
 *     when a DBA created it, so the job's user needs no ownership of the tables
 * @param changeTopic where the system's changes arrive when they are not read by CDC from its
 *     PostgreSQL database (source kind {@code kafka-debezium}); {@code null} for CDC
 * @param lossy the attributes whose column in this system holds less than their values (marked
 *     {@code lossy}), with what the column stores once read from the database ({@link
 *     StoredType#UNREAD} before)
 */
public record SystemConfig(
        String name,
        String url,
        String username,
        Secret password,
        TableName table,
        List<String> primaryKey,
        String versionColumn,
        VersionOwner versionManagedBy,
        Map<String, String> columns,
        Set<WriteOperation> write,
        DeletePolicy deletes,
        boolean createPublication,
        DebeziumTopic changeTopic,
        Map<String, StoredType> lossy)
        implements Serializable {

    /** The system with what its lossy columns store, as read from its database. */
    public SystemConfig withLossy(Map<String, StoredType> stored) {
        return new SystemConfig(
                name,
                url,
                username,
                password,
                table,
                primaryKey,
                versionColumn,
                versionManagedBy,
                columns,
                write,
                deletes,
                createPublication,
                changeTopic,
                Map.copyOf(stored));
    }

    /**
     * Per attribute index, what its column stores where the mapping is lossy; {@code null} where
     * the column holds every value.
     */
    public StoredType[] storedTypes(Attributes attributes) {
        StoredType[] stored = new StoredType[attributes.size()];
        lossy.forEach((attribute, type) -> stored[attributes.require(attribute)] = type);
        return stored;
    }

    /** Whether the job reads the system's changes by CDC from its PostgreSQL database. */
    public boolean readByCdc() {
        return changeTopic == null;
    }

    public boolean mayWrite(WriteOperation operation) {
        return write.contains(operation);
    }

    public boolean hasVersionColumn() {
        return versionColumn != null;
    }

    public ColumnMapping mapping(Attributes attributes) {
        return new ColumnMapping(attributes, columns);
    }

    /** The table's primary key as this system maps it. */
    public PrimaryKey key(Attributes attributes) {
        return new PrimaryKey(primaryKey, mapping(attributes));
    }

    /** The logical replication slot this system's CDC source reads from. */
    public String slotName(String syncName) {
        return replicationName(syncName);
    }

    /** The publication this system's CDC source subscribes to. */
    public String publicationName(String syncName) {
        return replicationName(syncName);
    }

    private String replicationName(String syncName) {
        return ("bidisync_" + syncName + "_" + name).toLowerCase().replaceAll("[^a-z0-9_]", "_");
    }
}
