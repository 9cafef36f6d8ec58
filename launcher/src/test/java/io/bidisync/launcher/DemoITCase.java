package io.bidisync.launcher;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The README's demo, as a user runs it: it converges, shows the race, and exits 0. */
class DemoITCase {

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void demoConvergesAndExitsZero() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code =
                Main.run(
                        new String[] {"demo"},
                        new PrintStream(out, true, StandardCharsets.UTF_8),
                        new PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertThat(code).as(printed).isEqualTo(Main.OK);
        assertThat(printed)
                .contains("Dashboard: http://127.0.0.1:")
                .contains("After the initial sync:")
                .contains("Both changes survive: Bob E. Berg, +47 922 22 222 in both systems.")
                .contains("system.erp.conflicts                 1");
        // Every customer once per system, except CRM's pre-existing duplicate (9 + 8 rows).
        assertThat(printed).contains("CRM customer (9 rows)").contains("ERP client (8 rows)");
        // Companies: each system's own company rows, and Ann's move reaches ERP by ERP's key.
        assertThat(printed)
                .contains("CRM company (3 rows)")
                .contains("ERP firma (3 rows)")
                .contains("ERP: ann@example.com works at Fjordkraft AS (firmanr 102).");
    }
}
