package io.bidisync.udfs.normalize;

import io.bidisync.udfs.model.Attributes;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MatchKeyTest {
    private static final Attributes ATTRIBUTES =
            new Attributes(List.of("email", "last_name", "first_name", "birth_date"));

    private static final MatchKey PERSON =
            new MatchKey(
                    List.of(
                            new MatchKey.Part("last_name", Normalizer.LOWER),
                            new MatchKey.Part("first_name", Normalizer.LOWER),
                            new MatchKey.Part("birth_date", Normalizer.TRIM)));

    private static final int[] INDEXES = PERSON.indexes(ATTRIBUTES);

    @Test
    void recordsMatchWhenEveryPartMatchesAfterItsNormaliser() {
        String a = PERSON.of(new String[] {"a@x", " Lee ", "ANN", "1980-01-31"}, INDEXES);
        String b = PERSON.of(new String[] {"b@y", "lee", "Ann ", " 1980-01-31"}, INDEXES);
        String other = PERSON.of(new String[] {"a@x", "Lee", "Anne", "1980-01-31"}, INDEXES);
        assertThat(a).isEqualTo(b).isEqualTo("[\"lee\",\"ann\",\"1980-01-31\"]");
        assertThat(other).isNotEqualTo(a);
    }

    @Test
    void aBlankPartMatchesNobody() {
        assertThat(PERSON.of(new String[] {"a@x", "Lee", " ", "1980-01-31"}, INDEXES)).isNull();
        assertThat(PERSON.of(new String[] {"a@x", "Lee", "Ann", null}, INDEXES)).isNull();
    }

    @Test
    void partsThatWouldRunTogetherStayApart() {
        MatchKey two =
                new MatchKey(
                        List.of(
                                new MatchKey.Part("last_name", Normalizer.NONE),
                                new MatchKey.Part("first_name", Normalizer.NONE)));
        int[] indexes = two.indexes(ATTRIBUTES);
        assertThat(two.of(new String[] {null, "ab", "c", null}, indexes))
                .isNotEqualTo(two.of(new String[] {null, "a", "bc", null}, indexes));
    }

    @Test
    void aKeyOfOneAttributeIsItsNormalisedValue() {
        MatchKey email = MatchKey.of("email", Normalizer.EMAIL);
        assertThat(
                        email.of(
                                new String[] {" Ann@X.no", null, null, null},
                                email.indexes(ATTRIBUTES)))
                .isEqualTo("ann@x.no");
        assertThat(email.ofText(" Ann@X.no")).isEqualTo("ann@x.no");
    }

    @Test
    void aTypedKeyIsNormalisedPartByPart() {
        assertThat(PERSON.ofText("[\"LEE\",\"Ann\",\"1980-01-31\"]"))
                .isEqualTo("[\"lee\",\"ann\",\"1980-01-31\"]");
        assertThat(PERSON.split("[\"lee\",\"ann\",\"1980-01-31\"]"))
                .containsExactly("lee", "ann", "1980-01-31");
        assertThatThrownBy(() -> PERSON.ofText("lee")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void describesItsParts() {
        assertThat(PERSON.describe())
                .isEqualTo("last_name (lower), first_name (lower), birth_date (trim)");
    }
}
