package io.bidisync.job.testutil;

import io.bidisync.job.SyncJob;
import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.Heartbeats;
import io.bidisync.job.demo.CustomerTables;
import io.bidisync.job.demo.CustomerTables.Row;
import io.bidisync.job.demo.LocalPostgres;
import io.bidisync.job.metrics.RestMetrics;

import org.apache.flink.api.common.JobID;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One run of the job between a CRM and an ERP database (fresh databases on the given servers), with
 * helpers to change and read both sides. Closing it cancels the job.
 */
public final class CustomerSync implements AutoCloseable {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final LocalPostgres crmServer;
    private final LocalPostgres erpServer;
    private final String database;
    private final SyncConfig config;
    private JobClient job;

    private CustomerSync(
            LocalPostgres crmServer, LocalPostgres erpServer, String database, SyncConfig config) {
        this.crmServer = crmServer;
        this.erpServer = erpServer;
        this.database = database;
        this.config = config;
    }

    /** Creates fresh databases with the customer tables and runs the seed SQL in each. */
    public static CustomerSync create(
            LocalPostgres crm, LocalPostgres erp, String crmSeed, String erpSeed, String extraYaml)
            throws SQLException {
        int run = RUNS.incrementAndGet();
        String database = "sync" + run;
        crm.createDatabase(database);
        erp.createDatabase(database);
        crm.execute(database, CustomerTables.CRM + crmSeed);
        erp.execute(database, CustomerTables.ERP + erpSeed);
        String yaml =
                TestConfigs.crmErpYaml(crm.jdbcUrl(database), erp.jdbcUrl(database), extraYaml)
                        .replace("name: demo", "name: customers" + run);
        return new CustomerSync(crm, erp, database, TestConfigs.parse(yaml));
    }

    /** The job's settings in tests: parallelism 2, RocksDB, checkpoints every second, no Kryo. */
    public static Configuration jobSettings() {
        Configuration conf = new Configuration();
        conf.set(CoreOptions.DEFAULT_PARALLELISM, 2);
        conf.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
        conf.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, Duration.ofSeconds(1));
        conf.set(PipelineOptions.GENERIC_TYPES, false);
        return conf;
    }

    public SyncConfig config() {
        return config;
    }

    /** Starts the job on the test cluster and returns at once. */
    public JobID start() throws Exception {
        Heartbeats.ensureTables(config);
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.configure(jobSettings());
        SyncJob.ofDatabases(config).build(env);
        job = env.executeAsync(config.name());
        return job.getJobID();
    }

    public JobID jobId() {
        return job.getJobID();
    }

    public long metric(RestMetrics metrics, String name) throws Exception {
        return metrics.total(job.getJobID(), name);
    }

    public void crm(String sql) throws SQLException {
        crmServer.execute(database, sql);
    }

    public void erp(String sql) throws SQLException {
        erpServer.execute(database, sql);
    }

    public Connection erpConnection() throws SQLException {
        return erpServer.connect(database);
    }

    public List<Row> crmRows() throws SQLException {
        try (Connection c = crmServer.connect(database)) {
            return CustomerTables.crmRows(c);
        }
    }

    public List<Row> erpRows() throws SQLException {
        try (Connection c = erpServer.connect(database)) {
            return CustomerTables.erpRows(c);
        }
    }

    @Override
    public void close() throws Exception {
        if (job != null) {
            job.cancel().get();
        }
    }
}
