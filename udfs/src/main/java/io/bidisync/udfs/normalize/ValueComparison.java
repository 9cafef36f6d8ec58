package io.bidisync.udfs.normalize;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Objects;

/**
 * Decides whether two values of an attribute are "the same", per attribute, after that attribute's
 * comparison normaliser.
 *
 * <p>This is what keeps a target that reformats values (upper-cases a city, formats a phone) from
 * causing an endless update loop: the job compares what it would write with what the target holds
 * after normalising both, so a difference in formatting alone is not a change.
 */
public final class ValueComparison implements Serializable {
    private static final long serialVersionUID = 1L;

    private final Normalizer[] normalizers;

    /** One normaliser per attribute, in attribute order. */
    public ValueComparison(Normalizer[] normalizers) {
        this.normalizers = normalizers.clone();
        for (Normalizer n : this.normalizers) {
            Objects.requireNonNull(n, "normalizer");
        }
    }

    /** Every attribute compared after {@link Normalizer#TRIM}. */
    public static ValueComparison trimmed(int attributeCount) {
        Normalizer[] all = new Normalizer[attributeCount];
        Arrays.fill(all, Normalizer.TRIM);
        return new ValueComparison(all);
    }

    public int size() {
        return normalizers.length;
    }

    public Normalizer normalizer(int attribute) {
        return normalizers[attribute];
    }

    /** The comparable form of one attribute's value; {@code null} for null or blank. */
    public String canonical(int attribute, String value) {
        return normalizers[attribute].normalize(value);
    }

    /** Whether two values of an attribute are the same after normalisation. */
    public boolean same(int attribute, String a, String b) {
        return Objects.equals(canonical(attribute, a), canonical(attribute, b));
    }

    /**
     * The comparable form of the attributes selected by {@code include}; attributes not included
     * become {@code null}.
     */
    public String[] canonical(String[] values, boolean[] include) {
        String[] out = new String[normalizers.length];
        for (int i = 0; i < out.length; i++) {
            if (include[i]) {
                out[i] = canonical(i, values[i]);
            }
        }
        return out;
    }

    /** Whether the attributes selected by {@code include} are all the same in both arrays. */
    public boolean sameAll(String[] a, String[] b, boolean[] include) {
        for (int i = 0; i < normalizers.length; i++) {
            if (include[i] && !same(i, a[i], b[i])) {
                return false;
            }
        }
        return true;
    }
}
