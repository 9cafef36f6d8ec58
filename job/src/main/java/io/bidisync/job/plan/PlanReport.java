package io.bidisync.job.plan;

import io.bidisync.job.golden.GoldenRecord;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A {@link Plan} for people: a terminal report, and CSV and JSON files for a spreadsheet or a
 * script.
 */
public final class PlanReport {
    /** The files {@link #write} creates. */
    public static final List<String> FILES =
            List.of("summary.csv", "writes.csv", "match-groups.csv", "plan.json");

    private static final ObjectMapper JSON =
            new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Plan plan;
    private final String title;

    /** The report of what {@code plan} would do. */
    public PlanReport(Plan plan) {
        this(plan, "Plan for '" + plan.name() + "' — nothing has been written.");
    }

    /** A report of {@code plan}'s writes under another heading (e.g. writes held back). */
    public PlanReport(Plan plan, String title) {
        this.plan = plan;
        this.title = title;
    }

    /** The terminal report, with at most {@code limit} match groups and value changes each. */
    public void print(PrintStream out, int limit) {
        out.println();
        out.println(title);
        out.println();
        out.printf(
                "%-12s %9s %9s %9s %9s %9s %9s %9s %9s%n",
                "system",
                "rows",
                "golden",
                "insert",
                "update",
                "delete",
                "blocked",
                "unmatched",
                "bad");
        for (Plan.SystemSummary s : plan.summaries()) {
            out.printf(
                    "%-12s %9d %9d %9d %9d %9d %9d %9d %9d%n",
                    s.system(),
                    s.rows(),
                    s.goldenRecords(),
                    s.inserts(),
                    s.updates(),
                    s.deletes(),
                    s.blockedInserts(),
                    s.unmatched(),
                    s.deadLetters());
        }
        out.println(
                "golden records: "
                        + plan.goldenRecords().size()
                        + "; golden = golden records with a row in the system, blocked = inserts"
                        + " its duplicate guard would refuse, unmatched = rows matching nothing"
                        + " else, bad = rows that go to the dead letters");
        List<GoldenRecord> groups = plan.matchGroups();
        out.println();
        out.println("Match groups (rows merged into one golden record): " + groups.size());
        for (GoldenRecord g : groups.subList(0, Math.min(limit, groups.size()))) {
            out.println("  " + g.id() + ": " + String.join(", ", g.links()));
        }
        more(out, groups.size(), limit);
        List<Plan.ValueChange> changes = plan.valueChanges();
        out.println();
        out.println("Values the writes would set: " + changes.size());
        for (Plan.ValueChange c : changes.subList(0, Math.min(limit, changes.size()))) {
            out.println(
                    "  "
                            + c.operation()
                            + " "
                            + c.system()
                            + (c.row() == null ? "" : "/" + c.row())
                            + " ["
                            + c.goldenKey()
                            + "]"
                            + (c.attribute() == null
                                    ? ""
                                    : " "
                                            + c.attribute()
                                            + ": "
                                            + shown(c.current())
                                            + " → "
                                            + shown(c.planned()))
                            + (c.blocked() ? "  (blocked: the key exists)" : ""));
        }
        more(out, changes.size(), limit);
        if (!plan.deadLetters().isEmpty()) {
            out.println();
            out.println("Rows the job cannot process: " + plan.deadLetters().size());
            plan.deadLetters().stream()
                    .limit(limit)
                    .forEach(
                            d ->
                                    out.println(
                                            "  " + d.system() + "/" + d.key() + ": " + d.reason()));
            more(out, plan.deadLetters().size(), limit);
        }
    }

    /** Writes {@link #FILES} into {@code dir}, created if missing. */
    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> summary = new ArrayList<>();
        summary.add(
                csv(
                        "system",
                        "rows",
                        "linked_rows",
                        "golden_records",
                        "would_insert",
                        "would_update",
                        "would_delete",
                        "would_block_as_duplicate",
                        "unmatched",
                        "dead_letters"));
        for (Plan.SystemSummary s : plan.summaries()) {
            summary.add(
                    csv(
                            s.system(),
                            s.rows(),
                            s.linked(),
                            s.goldenRecords(),
                            s.inserts(),
                            s.updates(),
                            s.deletes(),
                            s.blockedInserts(),
                            s.unmatched(),
                            s.deadLetters()));
        }
        Files.write(dir.resolve("summary.csv"), summary, StandardCharsets.UTF_8);
        List<String> writes = new ArrayList<>();
        writes.add(
                csv(
                        "system",
                        "operation",
                        "golden_id",
                        "row",
                        "expected_version",
                        "attribute",
                        "current",
                        "planned",
                        "blocked"));
        for (Plan.ValueChange c : plan.valueChanges()) {
            writes.add(
                    csv(
                            c.system(),
                            c.operation(),
                            c.goldenKey(),
                            c.row(),
                            c.expectedVersion(),
                            c.attribute(),
                            c.current(),
                            c.planned(),
                            c.blocked()));
        }
        Files.write(dir.resolve("writes.csv"), writes, StandardCharsets.UTF_8);
        List<String> groups = new ArrayList<>();
        groups.add(csv("golden_id", "system", "row"));
        for (GoldenRecord g : plan.matchGroups()) {
            for (String link : g.links()) {
                int slash = link.indexOf('/');
                groups.add(csv(g.id(), link.substring(0, slash), link.substring(slash + 1)));
            }
        }
        Files.write(dir.resolve("match-groups.csv"), groups, StandardCharsets.UTF_8);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", plan.name());
        json.put("attributes", plan.attributes());
        json.put("summary", plan.summaries());
        json.put("match_groups", plan.matchGroups());
        json.put("writes", plan.valueChanges());
        json.put("dead_letters", plan.deadLetters());
        JSON.writeValue(dir.resolve("plan.json").toFile(), json);
    }

    private static void more(PrintStream out, int total, int limit) {
        if (total > limit) {
            out.println("  … " + (total - limit) + " more in the files");
        }
    }

    private static String shown(String value) {
        return value == null ? "(empty)" : "'" + value + "'";
    }

    /** One CSV line (RFC 4180): fields with commas, quotes or line breaks are quoted. */
    static String csv(Object... fields) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < fields.length; i++) {
            if (i > 0) {
                line.append(',');
            }
            String f = fields[i] == null ? "" : String.valueOf(fields[i]);
            if (f.contains(",") || f.contains("\"") || f.contains("\n") || f.contains("\r")) {
                line.append('"').append(f.replace("\"", "\"\"")).append('"');
            } else {
                line.append(f);
            }
        }
        return line.toString();
    }
}
