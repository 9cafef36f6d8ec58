package io.bidisync.udfs.survivorship;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SurvivorshipTest {
    private static final Rule[] MOST_RECENT = {Rule.MOST_RECENT, Rule.MOST_RECENT};
    private static final Rule[] NAME_BY_PRIORITY = {Rule.MOST_RECENT, Rule.PRIORITY};

    private static Contribution c(String system, String id, String name, String phone, long t) {
        return new Contribution(system, id, new String[] {name, phone}, new long[] {t, t});
    }

    @Test
    void mostRecentTakesLatestChange() {
        Survivorship s = new Survivorship(MOST_RECENT, List.of("crm", "erp"));
        String[] golden =
                s.resolve(List.of(c("crm", "1", "Ann", "1", 10), c("erp", "7", "Anne", "2", 20)));
        assertThat(golden).containsExactly("Anne", "2");
    }

    @Test
    void perAttributeTimesKeepConcurrentEditsOfDifferentAttributes() {
        Survivorship s = new Survivorship(MOST_RECENT, List.of());
        Contribution crm =
                new Contribution("crm", "1", new String[] {"Ann B", "1"}, new long[] {30, 5});
        Contribution erp =
                new Contribution("erp", "7", new String[] {"Ann", "2"}, new long[] {5, 40});
        assertThat(s.resolve(List.of(crm, erp))).containsExactly("Ann B", "2");
    }

    @Test
    void goldenCarriesTheTimeAndSourceOfEachWinningValue() {
        Survivorship s = new Survivorship(MOST_RECENT, List.of());
        Contribution crm =
                new Contribution("crm", "1", new String[] {"Ann B", null}, new long[] {30, 5});
        Contribution erp =
                new Contribution("erp", "7", new String[] {"Ann", "2"}, new long[] {5, 40});
        Survivorship.Golden golden = s.resolveGolden(List.of(crm, erp));
        assertThat(golden.values()).containsExactly("Ann B", "2");
        assertThat(golden.changedAt()).containsExactly(30L, 40L);
        assertThat(golden.sources()).containsExactly("crm/1", "erp/7");
        assertThat(s.resolveGolden(List.of(erp)).sources()).containsExactly("erp/7", "erp/7");
        Contribution blank = new Contribution("crm", "1", new String[] {null, " "}, new long[2]);
        assertThat(s.resolveGolden(List.of(blank)).sources()).containsExactly(null, "crm/1");
    }

    @Test
    void anEmptyValueIsAValueWhereNoSystemHasMore() {
        Survivorship s = new Survivorship(MOST_RECENT, List.of());
        String[] golden =
                s.resolve(
                        List.of(
                                c("crm", "1", "", null, 10),
                                c("erp", "7", null, " ", 20),
                                c("hr", "3", null, "", 30)));
        assertThat(golden).containsExactly("", "");
        assertThat(s.resolve(List.of(c("crm", "1", "", "x", 30), c("erp", "7", "Ann", "", 20))))
                .containsExactly("Ann", "x");
    }

    @Test
    void blankNeverWinsOverOlderValue() {
        Survivorship s = new Survivorship(MOST_RECENT, List.of());
        String[] golden =
                s.resolve(List.of(c("crm", "1", "Ann", "1", 10), c("erp", "7", "  ", null, 20)));
        assertThat(golden).containsExactly("Ann", "1");
    }

    @Test
    void snapshotTiesFallBackToPriorityThenSystemName() {
        Survivorship byPriority = new Survivorship(MOST_RECENT, List.of("erp", "crm"));
        assertThat(
                        byPriority.resolve(
                                List.of(
                                        c("crm", "1", "Ann", "1", 0),
                                        c("erp", "7", "Anne", "2", 0))))
                .containsExactly("Anne", "2");
        Survivorship byName = new Survivorship(MOST_RECENT, List.of());
        assertThat(
                        byName.resolve(
                                List.of(
                                        c("erp", "7", "Anne", "2", 0),
                                        c("crm", "1", "Ann", "1", 0))))
                .containsExactly("Ann", "1");
    }

    @Test
    void priorityRuleIgnoresTime() {
        Survivorship s = new Survivorship(NAME_BY_PRIORITY, List.of("crm", "erp"));
        String[] golden =
                s.resolve(List.of(c("crm", "1", "Ann", "1", 10), c("erp", "7", "Anne", "2", 20)));
        assertThat(golden).containsExactly("Anne", "1");
    }

    @Test
    void unlistedSystemsComeAfterListedOnes() {
        Survivorship s =
                new Survivorship(new Rule[] {Rule.PRIORITY, Rule.PRIORITY}, List.of("erp"));
        String[] golden =
                s.resolve(
                        List.of(
                                c("billing", "b", "B", "b", 0),
                                c("crm", "c", "C", null, 0),
                                c("erp", "e", null, null, 0)));
        assertThat(golden).containsExactly("B", "b");
    }

    @Test
    void internalDuplicatesResolveByTimeThenLocalId() {
        Survivorship s =
                new Survivorship(new Rule[] {Rule.PRIORITY, Rule.PRIORITY}, List.of("crm"));
        assertThat(s.resolve(List.of(c("crm", "2", "Old", "x", 1), c("crm", "1", "New", "y", 9))))
                .containsExactly("New", "y");
        assertThat(s.resolve(List.of(c("crm", "2", "Two", "x", 1), c("crm", "1", "One", "y", 1))))
                .containsExactly("One", "y");
    }

    @Test
    void resultDoesNotDependOnArrivalOrder() {
        Survivorship s = new Survivorship(MOST_RECENT, List.of("crm"));
        List<Contribution> all = new ArrayList<>();
        all.add(c("crm", "1", "A", "1", 5));
        all.add(c("crm", "2", "B", "2", 5));
        all.add(c("erp", "1", "C", "3", 5));
        all.add(c("billing", "9", "D", null, 5));
        String[] expected = s.resolve(all);
        for (int i = 0; i < 20; i++) {
            Collections.shuffle(all, new java.util.Random(i));
            assertThat(s.resolve(all)).containsExactly(expected);
        }
        assertThat(expected).containsExactly("A", "1");
    }

    @Test
    void noContributionsGiveNulls() {
        assertThat(new Survivorship(MOST_RECENT, List.of()).resolve(List.of()))
                .containsExactly(null, null);
    }
}
