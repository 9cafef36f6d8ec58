package io.bidisync.job.audit;

import io.bidisync.job.config.SyncConfig;
import io.bidisync.job.database.Database;
import io.bidisync.job.database.JobTables;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Reads the audited history of one golden record, oldest first. */
public final class AuditHistory {
    /**
     * One stored entry with the time it was stored.
     *
     * @param at when the entry was stored (the database's clock)
     */
    public record Line(Instant at, AuditEntry entry) {}

    private AuditHistory() {}

    /**
     * The entries of the golden record whose match key, normalised as the job does, is that of
     * {@code matchKey}.
     */
    public static List<Line> of(SyncConfig config, String matchKey) throws SQLException {
        String goldenId = config.matchKey().normalizer().normalize(matchKey);
        List<Line> lines = new ArrayList<>();
        try (Connection c = Database.connect(config.system(config.audit().system()));
                PreparedStatement st = c.prepareStatement(JobTables.selectAuditSql(config))) {
            st.setString(1, goldenId);
            try (ResultSet rs = st.executeQuery()) {
                while (rs.next()) {
                    long eventTime = rs.getLong(2);
                    lines.add(
                            new Line(
                                    rs.getTimestamp(1).toInstant(),
                                    new AuditEntry(
                                            rs.wasNull() ? Long.MAX_VALUE : eventTime,
                                            goldenId,
                                            rs.getString(3),
                                            rs.getString(4),
                                            rs.getString(5),
                                            rs.getString(6),
                                            rs.getString(7),
                                            rs.getString(8),
                                            rs.getString(9))));
                }
            }
        }
        return lines;
    }
}
