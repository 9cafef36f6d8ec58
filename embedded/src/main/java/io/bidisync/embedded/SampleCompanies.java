package io.bidisync.embedded;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Companies for the demo, and the customers' references to them: CRM's {@code company} and ERP's
 * {@code firma} (numbered from 100, so the two systems' keys of the same company differ), one
 * company in both, one in each only; a customer's {@code company_id} / {@code firma} holds its own
 * system's key. With {@link #CONFIG}, the sync of both entity types in one job.
 */
public final class SampleCompanies {
    /** Run after {@link CustomerTables#crm} and {@link SampleCustomers#CRM_SEED}. */
    public static final String CRM =
            "CREATE TABLE company (id serial PRIMARY KEY, org_no text, name text,"
                    + " version integer NOT NULL DEFAULT 1);"
                    + " ALTER TABLE customer ADD COLUMN company_id integer REFERENCES company (id);"
                    + " INSERT INTO company (org_no, name) VALUES"
                    + " ('911 000 001', 'Acme AS'), ('922 000 002', 'Fjordkraft AS');"
                    + " UPDATE customer SET company_id = 1 WHERE email = 'ann@example.com';"
                    + " UPDATE customer SET company_id = 2 WHERE email = 'CARI@example.com';";

    /** Run after {@link CustomerTables#erp} and {@link SampleCustomers#ERP_SEED}. */
    public static final String ERP =
            "CREATE TABLE firma (firmanr serial PRIMARY KEY, orgnr text, navn text,"
                    + " row_version integer NOT NULL DEFAULT 1);"
                    + " ALTER SEQUENCE firma_firmanr_seq RESTART 100;"
                    + " ALTER TABLE client ADD COLUMN firma integer REFERENCES firma (firmanr);"
                    + " INSERT INTO firma (orgnr, navn) VALUES"
                    + " ('933000003', 'Nordlys AS'), ('911000001', 'Acme AS');"
                    + " UPDATE client SET firma = 100 WHERE mail = 'finn@example.com';"
                    + " UPDATE client SET firma = 101 WHERE mail = 'gro@example.com';";

    /**
     * The sync configuration of both entity types: {@link SampleCustomers#SETTINGS}' customers with
     * a company, and companies matched by organisation number; {@code %s} are the CRM and ERP JDBC
     * URLs.
     */
    public static final String CONFIG =
            """
            name: demo
            completeness:
              delay: 1s
              heartbeat-interval: 250ms
            writer:
              flush-interval: 100ms
            survivorship:
              default: most-recent
              priority: [crm, erp]
            systems:
              crm: { connection: { url: "%s", username: postgres }, write: [insert, update] }
              erp: { connection: { url: "%s", username: postgres }, write: [insert, update] }
            entities:
              companies:
                match-key: { attribute: org_no, normalize: digits }
                attributes: [org_no, name]
                tables:
                  crm: { table: public.company, primary-key: id, version-column: version,
                         columns: { org_no: org_no, name: name } }
                  erp: { table: public.firma, primary-key: firmanr, version-column: row_version,
                         columns: { org_no: orgnr, name: navn } }
              customers:
                match-key: { attribute: email, normalize: email }
                attributes: [email, name, phone, city, company]
                references: { company: companies }
                tables:
                  crm: { table: public.customer, primary-key: id, version-column: version,
                         columns: { email: email, name: full_name, phone: phone, city: city, company: company_id } }
                  erp: { table: public.client, primary-key: client_no, version-column: row_version,
                         columns: { email: mail, name: name, phone: phone, city: town, company: firma } }
            """;

    /** CRM's customers with their company's name (by normalised e-mail; none: no company). */
    public static final String CRM_EMPLOYERS =
            "SELECT c.email, f.name FROM customer c LEFT JOIN company f ON f.id = c.company_id";

    /** ERP's clients with their firm's name. */
    public static final String ERP_EMPLOYERS =
            "SELECT c.mail, f.navn FROM client c LEFT JOIN firma f ON f.firmanr = c.firma";

    /** CRM's companies, as "org no name (id)". */
    public static final String CRM_COMPANIES =
            "SELECT org_no || ' ' || name || ' (id ' || id || ')', id FROM company";

    /** ERP's firms, as "org no name (id)". */
    public static final String ERP_COMPANIES =
            "SELECT orgnr || ' ' || navn || ' (firmanr ' || firmanr || ')', firmanr FROM firma";

    private SampleCompanies() {}

    /**
     * The first column of {@code sql} (an e-mail, normalised, or a description) → the second; each
     * system's view of who works where, comparable across systems.
     */
    public static Map<String, String> read(Connection c, String sql) throws SQLException {
        Map<String, String> out = new TreeMap<>();
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getString(1).trim().toLowerCase(Locale.ROOT), rs.getString(2));
            }
        }
        return out;
    }
}
