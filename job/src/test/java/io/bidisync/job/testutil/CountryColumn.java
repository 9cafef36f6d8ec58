package io.bidisync.job.testutil;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

import static io.bidisync.job.testutil.SyncedSystem.crm;
import static io.bidisync.job.testutil.SyncedSystem.erp;

/**
 * An upgrade story: CRM and ERP both have a country column ({@code country}, {@code land}) that the
 * configuration does not map at first and then appends as attribute {@code country}. People 1 to
 * {@link #SHARED} are rows 1 to 30 of both tables; CRM knows a country for people 1–20, ERP for
 * 1–10 ("Norway", while CRM says "NO") and 26–30 ("Sweden").
 */
public final class CountryColumn {
    public static final int SHARED = 30;

    private CountryColumn() {}

    /** The run's systems and rows, countries not mapped. */
    public static SyncRun.Builder run() {
        String people =
                " SELECT 'p' || i || '@example.com', 'P ' || i, 'city ' || i FROM"
                        + " generate_series(1, "
                        + SHARED
                        + ") i";
        return SyncRun.of(
                        crm().withDdl(
                                        crm().ddl()
                                                + " ALTER TABLE customer ADD COLUMN country text;"),
                        erp().withDdl(erp().ddl() + " ALTER TABLE client ADD COLUMN land text;"))
                .seed("crm", "INSERT INTO customer (email, full_name, city)" + people)
                .seed("erp", "INSERT INTO client (mail, name, town)" + people)
                .seed("crm", "UPDATE customer SET country = 'NO' WHERE id <= 20")
                .seed("erp", "UPDATE client SET land = 'Norway' WHERE client_no <= 10")
                .seed("erp", "UPDATE client SET land = 'Sweden' WHERE client_no > 25");
    }

    /** The configuration with attribute {@code country} appended and mapped in both systems. */
    public static String appended(String yaml) {
        return yaml.replace(
                        "attributes: [email, name, phone, city]",
                        "attributes: [email, name, phone, city, country]")
                .replace("city: city }", "city: city, country: country }")
                .replace("city: town }", "city: town, country: land }");
    }

    /** An edit of a person's phone, as a user of the system makes it. */
    public static void editPhone(SyncRun run, String system, int person, String phone)
            throws Exception {
        run.execute(
                system,
                system.equals("crm")
                        ? "UPDATE customer SET phone = '"
                                + phone
                                + "', version = version + 1 WHERE id = "
                                + person
                        : "UPDATE client SET phone = '"
                                + phone
                                + "', row_version = row_version + 1 WHERE client_no = "
                                + person);
    }

    /** An edit of a person's country. */
    public static void editCountry(SyncRun run, String system, int person, String country)
            throws Exception {
        run.execute(
                system,
                system.equals("crm")
                        ? "UPDATE customer SET country = '"
                                + country
                                + "', version = version + 1 WHERE id = "
                                + person
                        : "UPDATE client SET land = '"
                                + country
                                + "', row_version = row_version + 1 WHERE client_no = "
                                + person);
    }

    public static String phone(SyncRun run, String system, int person) throws Exception {
        return String.valueOf(
                query(
                                run,
                                system,
                                system.equals("crm")
                                        ? "SELECT id, phone FROM customer"
                                        : "SELECT client_no, phone FROM client")
                        .get(person));
    }

    /** Country by person. */
    public static Map<Integer, String> countries(SyncRun run, String system) throws Exception {
        return query(
                run,
                system,
                system.equals("crm")
                        ? "SELECT id, country FROM customer WHERE id <= " + SHARED
                        : "SELECT client_no, land FROM client WHERE client_no <= " + SHARED);
    }

    private static Map<Integer, String> query(SyncRun run, String system, String sql)
            throws Exception {
        Map<Integer, String> out = new HashMap<>();
        try (Connection c = run.connect(system);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.put(rs.getInt(1), rs.getString(2));
            }
        }
        return out;
    }
}
