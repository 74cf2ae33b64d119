package org.membership.api;

import java.util.Locale;

/**
 * An email address, normalized so that two spellings of one address are equal: surrounding
 * white space is stripped and the whole address is lower-cased ({@code Ann@Example.COM} equals
 * {@code ann@example.com}). Every comparison in the library goes through this type, so no store
 * or rule can match emails case-sensitively by accident.
 *
 * <p>Accepted: at most 254 characters, one {@code @}, a local part of 1-64 characters and a
 * domain with at least one dot, no white space or control characters inside, no quotes,
 * commas, semicolons or angle brackets.
 *
 * <p>Immutable and thread-safe.
 *
 * @param value the normalized address
 */
public record Email(String value) {
    private static final int MAX_LENGTH = 254;
    private static final int MAX_LOCAL_LENGTH = 64;

    /** @throws InvalidInputException naming {@code email} if the address is malformed */
    public Email {
        value = normalize(value);
    }

    /**
     * @param address the address as typed, in any case
     * @return the normalized email
     * @throws InvalidInputException naming {@code email} if the address is malformed
     */
    public static Email of(String address) {
        return new Email(address);
    }

    private static String normalize(String raw) {
        Inputs.required("email", raw);
        String stripped = raw.strip();
        for (int i = 0; i < stripped.length(); i++) {
            char c = stripped.charAt(i);
            if (c > 0x7f && Character.toLowerCase(c) <= 0x7f) {
                // e.g. the Kelvin sign, which lower-cases to 'k': two addresses must not fold into one
                throw invalid("email contains a character that is not allowed in an address");
            }
        }
        if (Inputs.hasLoneSurrogate(stripped)) {
            throw invalid("email must be valid Unicode text (it has half of a surrogate pair)");
        }
        String v = stripped.toLowerCase(Locale.ROOT);
        if (v.isEmpty()) {
            throw invalid("email must not be blank");
        }
        if (v.length() > MAX_LENGTH) {
            throw invalid("email must be at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c <= ' ' || c == 0x7f || Character.isWhitespace(c) || Character.isSpaceChar(c) || Character.isISOControl(c)
                    || "\"(),:;<>[\\]".indexOf(c) >= 0) {
                throw invalid("email contains a character that is not allowed in an address");
            }
        }
        int at = v.indexOf('@');
        if (at <= 0 || at != v.lastIndexOf('@')) {
            throw invalid("email must have exactly one '@' with a local part before it");
        }
        if (at > MAX_LOCAL_LENGTH) {
            throw invalid("email local part must be at most " + MAX_LOCAL_LENGTH + " characters");
        }
        String domain = v.substring(at + 1);
        if (domain.isEmpty() || domain.startsWith(".") || domain.endsWith(".") || !domain.contains(".")
                || domain.contains("..") || v.startsWith(".") || v.substring(0, at).endsWith(".")) {
            throw invalid("email must have a domain such as example.com after the '@'");
        }
        return v;
    }

    private static InvalidInputException invalid(String message) {
        return new InvalidInputException("email", message);
    }

    @Override
    public String toString() {
        return value;
    }
}
