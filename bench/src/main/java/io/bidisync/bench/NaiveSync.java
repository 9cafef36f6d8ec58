package io.bidisync.bench;

import io.bidisync.job.source.PostgresChangeSource;
import io.bidisync.job.testutil.SyncRun;
import io.bidisync.job.testutil.SyncedSystem;
import io.bidisync.job.testutil.TestServers;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.functions.FlatMapFunction;
import org.apache.flink.cdc.connectors.base.options.StartupOptions;
import org.apache.flink.cdc.connectors.postgres.source.PostgresSourceBuilder;
import org.apache.flink.cdc.debezium.JsonDebeziumDeserializationSchema;
import org.apache.flink.connector.jdbc.JdbcConnectionOptions;
import org.apache.flink.connector.jdbc.JdbcExecutionOptions;
import org.apache.flink.connector.jdbc.core.datastream.sink.JdbcSink;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The baseline a Flink user would write first: per system, a Flink CDC source into a
 * flink-connector-jdbc upsert sink ({@code INSERT … ON CONFLICT (pk) DO UPDATE}) that copies the
 * table into the other system's database. One way per table (two ways into the same table would
 * loop), no matching, no golden records, no conditions. The same CDC poll interval as bidisync's
 * sources, the same batch size and flush interval as its writers.
 */
final class NaiveSync {
    /** The application name of the naive sink's connections. */
    static final String APP = "naive";

    private NaiveSync() {}

    /** The copy of {@code from}'s table, in the other system's database. */
    static String copyTable(SyncedSystem from) {
        return from.name() + "_" + from.table();
    }

    /** Creates the copy table of {@code from} (audited like every table) in the other database. */
    static String copyTableDdl(SyncedSystem from) {
        List<String> names = columnsOf(from);
        List<String> columns = new ArrayList<>();
        columns.add(from.primaryKey() + " integer PRIMARY KEY");
        for (String column : names.subList(1, names.size() - 1)) {
            columns.add(column + " text");
        }
        columns.add(from.versionColumn() + " integer");
        String table = copyTable(from);
        return "CREATE TABLE "
                + table
                + " ("
                + String.join(", ", columns)
                + "); CREATE TRIGGER bidisync_audit AFTER INSERT OR UPDATE OR DELETE ON "
                + table
                + " FOR EACH ROW EXECUTE FUNCTION bidisync_audit('"
                + from.primaryKey()
                + "')";
    }

    /** Starts the copying job: {@code a}'s table into {@code b}'s database and the other way. */
    static JobClient start(SyncRun run, SyncedSystem a, SyncedSystem b) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(Benchmarks.jobSettings());
        copy(env, run, a, b);
        copy(env, run, b, a);
        return env.executeAsync("naive sync");
    }

    private static void copy(
            StreamExecutionEnvironment env, SyncRun run, SyncedSystem from, SyncedSystem to) {
        Properties debezium = new Properties();
        debezium.setProperty("publication.autocreate.mode", "filtered");
        debezium.setProperty("publication.name", "naive");
        debezium.setProperty(
                "poll.interval.ms", String.valueOf(PostgresChangeSource.POLL_INTERVAL_MILLIS));
        List<String> columns = columnsOf(from);
        env.fromSource(
                        PostgresSourceBuilder.PostgresIncrementalSource.<String>builder()
                                .hostname("localhost")
                                .port(TestServers.of(from.name()).port())
                                .database(run.database())
                                .schemaList("public")
                                .tableList("public." + from.table())
                                .username("postgres")
                                .password("")
                                .slotName("naive")
                                .decodingPluginName("pgoutput")
                                .startupOptions(StartupOptions.initial())
                                .debeziumProperties(debezium)
                                .deserializer(new JsonDebeziumDeserializationSchema())
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        from.name() + ": read changes (CDC)")
                .setParallelism(1)
                .flatMap(new RowValues(columns))
                .returns(String[].class)
                .name(from.name() + ": row values")
                .setParallelism(1)
                .sinkTo(
                        JdbcSink.<String[]>builder()
                                .withQueryStatement(
                                        upsert(copyTable(from), columns),
                                        (statement, row) -> {
                                            for (int i = 0; i < row.length; i++) {
                                                statement.setString(i + 1, row[i]);
                                            }
                                        })
                                .withExecutionOptions(
                                        JdbcExecutionOptions.builder()
                                                .withBatchSize(500)
                                                .withBatchIntervalMs(100)
                                                .withMaxRetries(3)
                                                .build())
                                .buildAtLeastOnce(
                                        new JdbcConnectionOptions.JdbcConnectionOptionsBuilder()
                                                .withUrl(
                                                        TestServers.of(to.name())
                                                                        .jdbcUrl(run.database())
                                                                + "?ApplicationName="
                                                                + APP)
                                                .withDriverName("org.postgresql.Driver")
                                                .withUsername("postgres")
                                                .withPassword("")
                                                .build()))
                .name(to.name() + ": upsert " + copyTable(from) + " (JDBC)");
    }

    /** Primary key, the mapped columns in attribute order, version column. */
    private static List<String> columnsOf(SyncedSystem system) {
        List<String> columns = new ArrayList<>();
        columns.add(system.primaryKey());
        for (String attribute : SyncedSystem.ATTRIBUTES) {
            if (system.column(attribute) != null) {
                columns.add(system.column(attribute));
            }
        }
        columns.add(system.versionColumn());
        return columns;
    }

    private static String upsert(String table, List<String> columns) {
        List<String> values = new ArrayList<>();
        List<String> updates = new ArrayList<>();
        for (int i = 0; i < columns.size(); i++) {
            boolean integer = i == 0 || i == columns.size() - 1;
            values.add(integer ? "?::integer" : "?");
            if (i > 0) {
                updates.add(columns.get(i) + " = EXCLUDED." + columns.get(i));
            }
        }
        return "INSERT INTO "
                + table
                + " ("
                + String.join(", ", columns)
                + ") VALUES ("
                + String.join(", ", values)
                + ") ON CONFLICT ("
                + columns.get(0)
                + ") DO UPDATE SET "
                + String.join(", ", updates);
    }

    /** The row after a change, as text in column order; deletes are not copied. */
    private static final class RowValues implements FlatMapFunction<String, String[]> {
        private static final long serialVersionUID = 1L;
        private static final ObjectMapper JSON = new ObjectMapper();
        private final List<String> columns;

        RowValues(List<String> columns) {
            this.columns = new ArrayList<>(columns);
        }

        @Override
        public void flatMap(String change, Collector<String[]> out) throws Exception {
            JsonNode after = JSON.readTree(change).get("after");
            if (after == null || after.isNull()) {
                return;
            }
            String[] row = new String[columns.size()];
            for (int i = 0; i < row.length; i++) {
                JsonNode value = after.get(columns.get(i));
                row[i] = value == null || value.isNull() ? null : value.asText();
            }
            out.collect(row);
        }
    }
}
