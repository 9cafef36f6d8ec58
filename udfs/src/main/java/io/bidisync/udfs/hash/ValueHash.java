package io.bidisync.udfs.hash;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * A stable 64-bit fingerprint of a row of values, used to recognise the job's own writes when they
 * come back through CDC (echo suppression).
 *
 * <p>Stable means: the same values give the same hash in every JVM, across restarts and versions of
 * this code, so hashes kept in savepoints stay valid. It is the first 8 bytes of SHA-256 over an
 * unambiguous encoding (a null is distinct from "" and from "null"; value boundaries cannot shift).
 */
public final class ValueHash {
    private static final byte NULL_MARKER = 0;
    private static final byte VALUE_MARKER = 1;

    // One digest per thread: looking SHA-256 up in the security providers for every fingerprint
    // cost more than computing it (profile of the golden stage, docs/performance.md).
    private static final ThreadLocal<MessageDigest> SHA_256 =
            ThreadLocal.withInitial(ValueHash::sha256);

    private ValueHash() {}

    /** The fingerprint of the values in order; {@code null} elements are allowed. */
    public static long of(String[] values) {
        MessageDigest digest = SHA_256.get();
        digest.reset();
        byte[] lengthBytes = new byte[4];
        for (String value : values) {
            if (value == null) {
                digest.update(NULL_MARKER);
                continue;
            }
            byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
            digest.update(VALUE_MARKER);
            lengthBytes[0] = (byte) (bytes.length >>> 24);
            lengthBytes[1] = (byte) (bytes.length >>> 16);
            lengthBytes[2] = (byte) (bytes.length >>> 8);
            lengthBytes[3] = (byte) bytes.length;
            digest.update(lengthBytes);
            digest.update(bytes);
        }
        byte[] hash = digest.digest();
        long result = 0;
        for (int i = 0; i < 8; i++) {
            result = (result << 8) | (hash[i] & 0xFF);
        }
        return result;
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by the Java platform", e);
        }
    }
}
