package io.bidisync.job.source;

import io.bidisync.job.config.JdbcUrl;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.config.SystemConfig;
import io.bidisync.job.database.JobTables;

import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.cdc.connectors.base.config.SourceConfig;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.base.source.assigner.state.PendingSplitsState;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceRecords;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitBase;
import org.apache.flink.cdc.connectors.base.source.meta.split.SourceSplitState;
import org.apache.flink.cdc.connectors.base.source.metrics.SourceReaderMetrics;
import org.apache.flink.cdc.connectors.postgres.source.PostgresDialect;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder.PostgresIncrementalSource;
import org.apache.flink.cdc.connectors.postgres.source.config.PostgresSourceConfigFactory;
import org.apache.flink.cdc.connectors.postgres.source.enumerator.PostgresSourceEnumerator;
import org.apache.flink.cdc.connectors.postgres.source.offset.PostgresOffsetFactory;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

import io.debezium.connector.postgresql.connection.PostgresConnection;
import io.debezium.connector.postgresql.connection.PostgresReplicationConnection;

import java.util.List;
import java.util.Properties;

/**
 * Builds the PostgreSQL CDC source of one system: an initial snapshot of its tables, then its
 * write-ahead log through {@code pgoutput}, as {@link SourceEvent}s decoded from Debezium's
 * records.
 *
 * <p>Each system gets its own replication slot and its own publication, filtered to the synced
 * tables (one per entity type) and the job's tables: the heartbeat rows the job writes are what
 * moves an idle source's watermark. The snapshot is read without backfill, and the log from where
 * the slot started, so every change committed since then arrives through the log with its commit
 * time ({@link JobPostgresDialect}).
 */
public final class PostgresChangeSource {
    /**
     * How long Debezium waits for more changes before handing over what it has, and sleeps when the
     * log is idle (500 ms by default, each). Every write waits for the slowest system's watermark,
     * so this wait is added to the latency of every write, twice; polling more often costs little.
     */
    public static final int POLL_INTERVAL_MILLIS = 50;

    private PostgresChangeSource() {}

    /** The job's source: snapshot, then the log, through the system's own slot. */
    public static PostgresIncrementalSource<SourceEvent> create(
            JobConfig job, SystemConfig system) {
        PostgresSourceBuilder<SourceEvent> builder =
                jobBuilder(job, system)
                        .startupOptions(StartupOptions.initial())
                        // No backfill, and the log from the slot's start (JobPostgresDialect).
                        .skipSnapshotBackfill(true);
        return build(builder, true);
    }

    /**
     * Creates the system's replication slot (and its publication first, as the source would) unless
     * it exists, so that the job's start is a moment: every change committed after this returns
     * reaches the job through the log with its commit time. The source itself would create the slot
     * only once it runs, seconds later.
     */
    public static void ensureSlot(JobConfig job, SystemConfig system) {
        PostgresSourceConfigFactory factory = jobBuilder(job, system).getConfigFactory();
        PostgresDialect dialect = new PostgresDialect(factory.create(0));
        try (PostgresConnection connection = dialect.openJdbcConnection()) {
            if (connection.getReplicationSlotState(dialect.getSlotName(), dialect.getPluginName())
                    != null) {
                return;
            }
            PostgresReplicationConnection replication =
                    dialect.openPostgresReplicationConnection(connection);
            replication.createReplicationSlot();
            replication.close(false);
        } catch (Exception e) {
            throw new IllegalStateException(
                    "system "
                            + system.name()
                            + ": cannot create replication slot "
                            + system.slotName(job.name())
                            + ": "
                            + e.getMessage(),
                    e);
        }
    }

    /**
     * The snapshot alone, of the synced table only (the plan's source): a bounded source that reads
     * no log. The CDC enumerator insists on a replication slot even so, and creating one makes
     * Debezium create — or, in filtered mode, alter — its publication: {@code slotName} is a
     * throw-away slot and {@link #snapshotPublication} the publication, both for the caller to drop
     * when done. The job's own publication is never touched.
     */
    public static PostgresIncrementalSource<SourceEvent> snapshot(
            SyncConfig config, SystemConfig system, String slotName) {
        return snapshot(JobConfig.of(config), system, slotName);
    }

    /** The snapshot alone of every entity type's table in {@code system} (see above). */
    public static PostgresIncrementalSource<SourceEvent> snapshot(
            JobConfig job, SystemConfig system, String slotName) {
        List<String> tables =
                job.entitiesIn(system.name()).stream()
                        .map(entity -> entity.system(system.name()).table().toString())
                        .toList();
        PostgresSourceBuilder<SourceEvent> builder =
                builder(system, tables, slotName, snapshotPublication(job.name(), system, slotName))
                        .startupOptions(StartupOptions.snapshot())
                        // Backfilling would read the log between a chunk's low and high marks.
                        .skipSnapshotBackfill(true);
        return build(builder, false);
    }

    /**
     * The publication the snapshot source of {@link #snapshot} names: a throw-away one (named like
     * its slot) where the job may create publications, else the one a DBA created, used as it is.
     */
    public static String snapshotPublication(
            String syncName, SystemConfig system, String slotName) {
        return system.createPublication() ? slotName : system.publicationName(syncName);
    }

    /**
     * The job's source of a system: its slot and publication, the tables of every entity type there
     * and the job's tables.
     */
    private static PostgresSourceBuilder<SourceEvent> jobBuilder(
            JobConfig job, SystemConfig system) {
        return builder(
                system,
                JobTables.captured(job, system.name()),
                system.slotName(job.name()),
                system.publicationName(job.name()));
    }

    private static PostgresSourceBuilder<SourceEvent> builder(
            SystemConfig system, List<String> tables, String slotName, String publication) {
        JdbcUrl url = JdbcUrl.parsePostgres(system.url());
        if (url == null) {
            throw new IllegalArgumentException(
                    "systems." + system.name() + ".connection.url is not a PostgreSQL JDBC URL");
        }
        Properties debezium = new Properties();
        // Debezium's default publication covers every table; ours covers exactly what we read.
        // A publication a DBA created is used as it is: the job's user need not own the tables.
        debezium.setProperty(
                "publication.autocreate.mode",
                system.createPublication() ? "filtered" : "disabled");
        debezium.setProperty("publication.name", publication);
        // NUMERIC as text, not base64 bytes; intervals as ISO 8601 (the microsecond form counts
        // a month as 30 days); bytea as Base64 (the default).
        debezium.setProperty("decimal.handling.mode", "string");
        debezium.setProperty("interval.handling.mode", "string");
        debezium.setProperty("poll.interval.ms", String.valueOf(POLL_INTERVAL_MILLIS));
        String password = system.password() == null ? "" : system.password().reveal();
        return PostgresSourceBuilder.PostgresIncrementalSource.<SourceEvent>builder()
                .hostname(url.host())
                .port(url.port())
                // No schema list: every table is named with its schema, and Debezium would match
                // each row's schema against the list's regular expression on top of its table
                // filter, at every table lookup.
                .database(url.database())
                .tableList(tables.toArray(new String[0]))
                .username(system.username())
                .password(password == null ? "" : password)
                .slotName(slotName)
                .decodingPluginName("pgoutput")
                .debeziumProperties(debezium);
    }

    private static PostgresIncrementalSource<SourceEvent> build(
            PostgresSourceBuilder<SourceEvent> builder, boolean fromSlotStart) {
        // What builder.build() does, but with the job's dialect.
        PostgresSourceConfigFactory configFactory = builder.getConfigFactory();
        return new Source(
                configFactory,
                new DebeziumRecords(),
                new PostgresOffsetFactory(),
                new JobPostgresDialect(configFactory.create(0), fromSlotStart));
    }

    /**
     * The upstream source, counting its enumerators for {@link JobPostgresDialect}, with the record
     * emitter {@link CdcRecordEmitter}.
     */
    // The inherited createReader returns a raw PostgresSourceReader: nothing to fix here.
    @SuppressWarnings("unchecked")
    static final class Source extends PostgresIncrementalSource<SourceEvent> {
        private static final long serialVersionUID = 1L;

        Source(
                PostgresSourceConfigFactory configFactory,
                DebeziumRecords deserializer,
                PostgresOffsetFactory offsetFactory,
                PostgresDialect dialect) {
            super(configFactory, deserializer, offsetFactory, dialect);
        }

        @Override
        public PostgresSourceEnumerator createEnumerator(
                SplitEnumeratorContext<SourceSplitBase> context) {
            JobPostgresDialect.enumeratorOpened();
            return super.createEnumerator(context);
        }

        @Override
        public PostgresSourceEnumerator restoreEnumerator(
                SplitEnumeratorContext<SourceSplitBase> context, PendingSplitsState checkpoint) {
            JobPostgresDialect.enumeratorOpened();
            return super.restoreEnumerator(context, checkpoint);
        }

        @Override
        protected RecordEmitter<SourceRecords, SourceEvent, SourceSplitState> createRecordEmitter(
                SourceConfig sourceConfig, SourceReaderMetrics sourceReaderMetrics) {
            return new CdcRecordEmitter<>(
                    deserializationSchema,
                    sourceReaderMetrics,
                    sourceConfig.isIncludeSchemaChanges(),
                    offsetFactory);
        }

        @Override
        public org.apache.flink.cdc.connectors.postgres.source.reader.PostgresSourceReader
                createReader(org.apache.flink.api.connector.source.SourceReaderContext context)
                        throws Exception {
            JvmTimeZone.requireUtc();
            return super.createReader(context);
        }
    }
}
