package io.bidisync.job.testutil;

import io.bidisync.embedded.LocalPostgres;
import io.bidisync.job.database.SqlDialect;
import io.bidisync.udfs.normalize.Normalizer;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;

/**
 * A data set of two entity types for load and crash tests: companies and the contacts that
 * reference them, in CRM ({@code company}, {@code contact.company_id}) and ERP ({@code firma},
 * {@code person.firma}, keys from 1,000,000 so the two systems' keys differ), foreign keys
 * enforced. Each system has {@code contacts} contacts and {@code companies} companies; half of each
 * are in both (same organisation number or e-mail). Every contact works at a company both systems
 * have, so a contact in both points at the same company in both.
 */
public record CompaniesAndContacts(int contacts, int companies) {

    /** Contacts (and companies) each system holds once converged. */
    public int convergedContacts() {
        return contacts / 2 * 3;
    }

    public int convergedCompanies() {
        return companies / 2 * 3;
    }

    /** CRM's tables and rows: companies 1…c, contacts 1…n. */
    public String crm() {
        return ddl("company", "id", "contact", "id", "company_id")
                + seed("company", "contact", "company_id", "id", 1, companies, 1, contacts);
    }

    /** ERP's tables and rows: companies c/2+1…3c/2, contacts n/2+1…3n/2. */
    public String erp() {
        return ddl("firma", "firmanr", "person", "pnr", "firma")
                + " ALTER SEQUENCE firma_firmanr_seq RESTART 1000000;"
                + " ALTER SEQUENCE person_pnr_seq RESTART 1000000;"
                + seed(
                        "firma",
                        "person",
                        "firma",
                        "firmanr",
                        companies / 2 + 1,
                        convergedCompanies(),
                        contacts / 2 + 1,
                        convergedContacts());
    }

    /** The job of both entity types between the two databases, with this completeness delay. */
    public String yaml(String name, String crmUrl, String erpUrl, String delay) {
        return """
                name: %s
                completeness: { delay: %s, heartbeat-interval: 250ms }
                writer: { flush-interval: 100ms }
                systems:
                  crm: { connection: { url: "%s", username: postgres } }
                  erp: { connection: { url: "%s", username: postgres } }
                entities:
                  companies:
                    match-key: { attribute: org_no, normalize: digits }
                    attributes: [org_no, name]
                    tables:
                      crm: { table: public.company, primary-key: id, version-column: version, columns: { org_no: org_no, name: name } }
                      erp: { table: public.firma, primary-key: firmanr, version-column: version, columns: { org_no: org_no, name: name } }
                  contacts:
                    match-key: { attribute: email, normalize: email }
                    attributes: [email, name, company]
                    references: { company: companies }
                    tables:
                      crm: { table: public.contact, primary-key: id, version-column: version, columns: { email: email, name: name, company: company_id } }
                      erp: { table: public.person, primary-key: pnr, version-column: version, columns: { email: email, name: name, company: firma } }
                """
                .formatted(name, delay, crmUrl, erpUrl);
    }

    /**
     * Each contact's e-mail with its company's organisation number, as CRM ({@code crm}) or ERP
     * holds them; a contact held twice shows as a second key.
     */
    public static Map<String, String> employers(LocalPostgres server, String database, boolean crm)
            throws SQLException {
        String sql =
                crm
                        ? "SELECT p.email, c.org_no FROM contact p LEFT JOIN company c ON c.id = p.company_id"
                        : "SELECT p.email, f.org_no FROM person p LEFT JOIN firma f ON f.firmanr = p.firma";
        try (Connection c = server.connect(database)) {
            return pairs(c, sql);
        }
    }

    /**
     * The first column of {@code sql}'s rows → the second, sorted; a first column seen twice shows
     * as a second key, {@code "… (twice)"}, so a duplicate fails a comparison.
     */
    public static Map<String, String> pairs(Connection c, String sql) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                if (out.put(rs.getString(1), rs.getString(2)) != null) {
                    out.put(rs.getString(1) + " (twice)", rs.getString(2));
                }
            }
        }
        return out;
    }

    /** The one number {@code sql} returns. */
    public static long number(LocalPostgres server, String database, String sql)
            throws SQLException {
        try (Connection c = server.connect(database);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * The tables, and an index on each normalised match key, as the job's duplicate guard needs
     * (docs/databases.md: else every guarded insert reads the whole table).
     */
    private static String ddl(
            String companyTable,
            String companyKey,
            String contactTable,
            String contactKey,
            String reference) {
        SqlDialect pg = SqlDialect.POSTGRES;
        return "CREATE TABLE "
                + companyTable
                + " ("
                + companyKey
                + " serial PRIMARY KEY, org_no text, name text, version integer NOT NULL DEFAULT 1);"
                + " CREATE TABLE "
                + contactTable
                + " ("
                + contactKey
                + " serial PRIMARY KEY, email text, name text, "
                + reference
                + " integer REFERENCES "
                + companyTable
                + " ("
                + companyKey
                + "), version integer NOT NULL DEFAULT 1);"
                + " CREATE INDEX ON "
                + companyTable
                + " (("
                + pg.normalized(Normalizer.DIGITS, pg.quote("org_no"))
                + "));"
                + " CREATE INDEX ON "
                + contactTable
                + " (("
                + pg.normalized(Normalizer.EMAIL, pg.quote("email"))
                + "));";
    }

    /** Contact i works at company c/2 + 1 + i mod c/2, which both systems have. */
    private String seed(
            String companyTable,
            String contactTable,
            String reference,
            String companyKey,
            int firstCompany,
            int lastCompany,
            int firstContact,
            int lastContact) {
        int shared = companies / 2;
        return " INSERT INTO "
                + companyTable
                + " (org_no, name) SELECT '9' || lpad(i::text, 8, '0'), 'Company ' || i"
                + " FROM generate_series("
                + firstCompany
                + ", "
                + lastCompany
                + ") i;"
                + " INSERT INTO "
                + contactTable
                + " (email, name, "
                + reference
                + ") SELECT 'contact' || i || '@example.com', 'Contact ' || i, k."
                + companyKey
                + " FROM generate_series("
                + firstContact
                + ", "
                + lastContact
                + ") i JOIN "
                + companyTable
                + " k ON k.org_no = '9' || lpad(("
                + shared
                + " + 1 + i % "
                + shared
                + ")::text, 8, '0');";
    }
}
