package io.bidisync.job.sink;

import io.bidisync.job.config.SystemConfig;

import org.apache.flink.api.common.operators.ProcessingTimeService;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * Updates the system's heartbeat row every heartbeat interval, so that an idle system's change
 * stream still carries its time and its watermark moves. Driven by the runtime's processing-time
 * timers, so it runs on the task thread between records and needs no thread or lock of its own. A
 * beat that fails is logged once and tried again at the next interval: the watermark stalls
 * meanwhile, which holds back emissions rather than losing anything.
 */
final class HeartbeatWriter {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatWriter.class);

    private final SystemConfig system;
    private final String beatSql;
    private final long intervalMillis;
    private final ProcessingTimeService time;
    private final WriterSession session;

    /** Whether the last beat failed: the failure is logged once, the recovery once. */
    private boolean failing;

    /**
     * @param beatSql the UPDATE of the heartbeat row ({@code JobTables#beatSql})
     */
    HeartbeatWriter(
            SystemConfig system,
            String beatSql,
            Duration interval,
            ProcessingTimeService time,
            WriterSession session) {
        this.system = system;
        this.beatSql = beatSql;
        this.intervalMillis = interval.toMillis();
        this.time = time;
        this.session = session;
    }

    /** Schedules the first beat one interval from now; each beat schedules the next. */
    void start() {
        time.registerTimer(time.getCurrentProcessingTime() + intervalMillis, now -> beat());
    }

    private void beat() {
        try {
            Connection connection = session.connection();
            try (Statement s = connection.createStatement()) {
                s.executeUpdate(beatSql);
            }
            connection.commit();
            if (failing) {
                LOG.info("system {}: heartbeat written again", system.name());
            }
            failing = false;
        } catch (SQLException e) {
            session.rollbackQuietly();
            session.close();
            if (!failing) {
                LOG.warn(
                        "system {}: cannot write heartbeat ({}); its watermark will stall until it can",
                        system.name(),
                        SqlErrors.describe(e));
            }
            failing = true;
        }
        start();
    }
}
