package io.bidisync.bench;

import io.bidisync.job.testutil.SyncRun;

import java.sql.SQLException;
import java.util.List;

/**
 * The initial-sync data set: CRM and ERP with {@code rows} customers each. Half of each system's
 * people are also in the other system, spelled differently there (e-mail case and spaces, name
 * case, phone format); 2% of each system's rows are a second row for a person the system already
 * has (an internal duplicate).
 *
 * <p>People are numbered: CRM has 1…d, ERP has d/2+1…d*3/2, where d is the number of distinct
 * people per system. Converged, every system has a row for each of the d*3/2 people.
 */
record CustomerDataSet(int rows) {

    /** Rows per system that duplicate another row of the same system. */
    int duplicates() {
        return rows / 50;
    }

    /** Distinct people per system. */
    int distinctPerSystem() {
        return rows - duplicates();
    }

    /** People in both systems. */
    int overlap() {
        return distinctPerSystem() / 2;
    }

    /** Distinct people over both systems: what each system holds when converged. */
    int people() {
        return 2 * distinctPerSystem() - overlap();
    }

    /** Rows each system holds when converged (its duplicates stay). */
    int rowsConverged() {
        return people() + duplicates();
    }

    /** Whether both systems of a bidisync run hold every person (the initial sync's end). */
    boolean converged(SyncRun run) throws SQLException {
        return AuditLog.number(run, "crm", "SELECT count(*) FROM customer") >= rowsConverged()
                && AuditLog.number(run, "erp", "SELECT count(*) FROM client") >= rowsConverged();
    }

    /** Adds the rows to a run's seed SQL (CRM {@code customer}, ERP {@code client}). */
    SyncRun.Builder seed(SyncRun.Builder run) {
        int d = distinctPerSystem();
        int erpFirst = d - overlap() + 1;
        int erpLast = erpFirst + d - 1;
        for (String sql : crm(d)) {
            run.seed("crm", sql);
        }
        for (String sql : erp(erpFirst, erpLast, d)) {
            run.seed("erp", sql);
        }
        return run;
    }

    private List<String> crm(int last) {
        return List.of(
                "INSERT INTO customer (email, full_name, phone, city)"
                        + " SELECT 'person' || i || '@example.com', 'Person ' || i,"
                        + " CASE WHEN i % 3 = 0 THEN NULL ELSE '+47 4' || lpad(i::text, 7, '0') END,"
                        + " 'Town ' || (i % 499) FROM generate_series(1, "
                        + last
                        + ") i",
                // Internal duplicates: the same people again, e-mail in another case, fewer values.
                "INSERT INTO customer (email, full_name, city)"
                        + " SELECT ' PERSON' || i || '@Example.com', 'Person ' || i, 'Town ' || (i % 499)"
                        + " FROM generate_series(1, "
                        + duplicates()
                        + ") i");
    }

    private List<String> erp(int first, int last, int crmLast) {
        return List.of(
                "INSERT INTO client (mail, name, phone, town)"
                        + " SELECT CASE WHEN i <= "
                        + crmLast
                        + " THEN ' Person' || i || '@EXAMPLE.com' ELSE 'person' || i || '@example.com' END,"
                        + " CASE WHEN i <= "
                        + crmLast
                        + " THEN upper('Person ' || i) ELSE 'Person ' || i END,"
                        + " '0047 4' || lpad(i::text, 7, '0'), 'TOWN ' || (i % 499)"
                        + " FROM generate_series("
                        + first
                        + ", "
                        + last
                        + ") i",
                "INSERT INTO client (mail, name, town)"
                        + " SELECT 'person' || i || '@example.COM', 'Person ' || i, 'Town ' || (i % 499)"
                        + " FROM generate_series("
                        + first
                        + ", "
                        + (first + duplicates() - 1)
                        + ") i");
    }
}
