package io.bidisync.embedded;

import io.bidisync.embedded.CustomerTables.Row;
import io.bidisync.udfs.normalize.Normalizer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether the two {@link CustomerTables} agree: every customer (by normalised e-mail) exists in
 * both, and every row of a customer carries the same values (compared after trimming).
 */
public final class Convergence {
    private Convergence() {}

    /** What still differs; empty when both systems agree. */
    public static List<String> differences(List<Row> crm, List<Row> erp) {
        Map<String, List<Row>> byKey = new LinkedHashMap<>();
        List<String> differences = new ArrayList<>();
        for (Row row : crm) {
            byKey.computeIfAbsent(key(row), k -> new ArrayList<>()).add(row);
        }
        Map<String, List<Row>> erpByKey = new LinkedHashMap<>();
        for (Row row : erp) {
            erpByKey.computeIfAbsent(key(row), k -> new ArrayList<>()).add(row);
        }
        for (String key : byKey.keySet()) {
            if (!erpByKey.containsKey(key)) {
                differences.add(key + " is missing in ERP");
            }
        }
        for (String key : erpByKey.keySet()) {
            if (!byKey.containsKey(key)) {
                differences.add(key + " is missing in CRM");
            }
            byKey.computeIfAbsent(key, k -> new ArrayList<>()).addAll(erpByKey.get(key));
        }
        byKey.forEach(
                (key, rows) -> {
                    for (Row row : rows) {
                        if (!same(row, rows.get(0))) {
                            differences.add(
                                    key
                                            + " differs: "
                                            + rows.get(0).values()
                                            + " vs "
                                            + row.values());
                        }
                    }
                });
        return differences;
    }

    private static String key(Row row) {
        return String.valueOf(Normalizer.EMAIL.normalize(row.email()));
    }

    private static boolean same(Row a, Row b) {
        for (int i = 0; i < a.values().size(); i++) {
            if (!Objects.equals(
                    Normalizer.TRIM.normalize(a.values().get(i)),
                    Normalizer.TRIM.normalize(b.values().get(i)))) {
                return false;
            }
        }
        return true;
    }
}
