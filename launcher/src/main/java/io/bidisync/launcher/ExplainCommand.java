package io.bidisync.launcher;

import io.bidisync.job.audit.AuditEntry;
import io.bidisync.job.audit.AuditEntry.Action;
import io.bidisync.job.audit.AuditHistory;
import io.bidisync.job.config.JobConfig;
import io.bidisync.job.config.SyncConfig;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Set;

/**
 * {@code bidisync explain --config FILE --key KEY}: the audited history of one entity — which
 * systems contributed which values, which rule chose each golden value, what was written where.
 */
@Command(
        name = "explain",
        description = {
            "The audited history of one entity: which systems contributed which values, which rule"
                    + " chose each golden value, what was written where. Needs the write audit"
                    + " (audit: true in the configuration)."
        })
final class ExplainCommand extends ConfiguredCommand {
    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final Set<String> WRITES =
            Set.of(
                    Action.INSERTED,
                    Action.UPDATED,
                    Action.DELETED,
                    Action.CONFLICT,
                    Action.BLOCKED_INSERT);

    @Option(
            names = "--key",
            paramLabel = "MATCH_KEY",
            required = true,
            description = "The entity's match key, e.g. an e-mail (normalised as the job does).")
    private String key;

    @Option(
            names = "--entity",
            paramLabel = "ENTITY_TYPE",
            description = "In a file of several entity types: which one the key is of.")
    private String entity;

    @Mixin private SharedOptions.Help help;

    ExplainCommand(PrintStream out, PrintStream err) {
        super(out, err);
    }

    @Override
    int run(Path file, JobConfig job) throws Exception {
        List<String> types = job.entities().stream().map(SyncConfig::entity).toList();
        if (!job.hasEntityTypes()) {
            if (entity != null) {
                err.println("--entity: the file declares no entity types (no entities:)");
                return Main.PROBLEMS;
            }
            return explain(job.entities().get(0));
        }
        if (entity == null || !types.contains(entity)) {
            err.println("--entity: name one of " + types);
            return Main.PROBLEMS;
        }
        return explain(job.entity(entity));
    }

    private int explain(SyncConfig config) throws Exception {
        if (config.audit() == null) {
            err.println("audit: explain reads the write audit; switch it on with 'audit: true'");
            return Main.PROBLEMS;
        }
        String id;
        try {
            id = config.matchKey().ofText(key);
        } catch (IllegalArgumentException e) {
            err.println("--key: " + e.getMessage() + ", like [\"Lee\",\"1980-01-31\"]");
            return Main.PROBLEMS;
        }
        List<AuditHistory.Line> lines = AuditHistory.of(config, key);
        if (lines.isEmpty()) {
            out.println("No audited history for match key '" + id + "'.");
            return Main.PROBLEMS;
        }
        out.println("History of golden record '" + id + "' (" + lines.size() + " entries, UTC):");
        out.println();
        AuditEntry resolved = null;
        for (AuditHistory.Line line : lines) {
            AuditEntry e = line.entry();
            if (e.action().equals(Action.RESOLVED)) {
                resolved = e;
            }
            out.println(format(line));
        }
        if (resolved != null) {
            out.println();
            out.println("Golden values (last resolution), and the rule and row that chose each:");
            for (String part : resolved.detail().split("; ")) {
                out.println("  " + part);
            }
        }
        out.println();
        out.println("Written:");
        lines.stream()
                .map(AuditHistory.Line::entry)
                .filter(e -> WRITES.contains(e.action()))
                .forEach(
                        e ->
                                out.println(
                                        "  "
                                                + e.action()
                                                + " "
                                                + where(e)
                                                + (e.expectedVersion() == null
                                                        ? ""
                                                        : " (expected version "
                                                                + e.expectedVersion()
                                                                + ")")
                                                + (e.resultingVersion() == null
                                                        ? ""
                                                        : " → " + e.resultingVersion())));
        return Main.OK;
    }

    private static String format(AuditHistory.Line line) {
        AuditEntry e = line.entry();
        StringBuilder s =
                new StringBuilder(TIME.format(line.at()))
                        .append("  ")
                        .append(String.format("%-16s", where(e)))
                        .append(String.format(" %-16s", e.action()));
        if (e.expectedVersion() != null) {
            s.append(" v").append(e.expectedVersion());
        }
        if (e.resultingVersion() != null) {
            s.append(" → ").append(e.resultingVersion());
        }
        if (e.reason() != null) {
            s.append("  ").append(e.reason());
        }
        if (e.detail() != null && !e.action().equals(Action.RESOLVED)) {
            s.append(": ").append(e.detail());
        } else if (e.detail() != null) {
            s.append(" ").append(e.detail());
        }
        return s.toString();
    }

    private static String where(AuditEntry e) {
        if (e.system() == null) {
            return "golden";
        }
        return e.row() == null ? e.system() : e.system() + "/" + e.row();
    }
}
