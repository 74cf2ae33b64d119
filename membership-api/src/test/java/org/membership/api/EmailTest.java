package org.membership.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.quicktheories.QuickTheory.qt;

import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Email normalization (strip, lower-case) and validation.
 *
 * <p>A failing property prints {@code Seed was <n>}; replay it with {@code -DQT_SEED=<n>} or by
 * adding {@code .withFixedSeed(<n>L)} after {@code qt()}.
 */
final class EmailTest {

    /** Valid addresses in mixed case: local part of letters, digits and inner {@code . + -}, a dotted domain. */
    static Gen<String> addresses() {
        String chars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        Gen<Integer> index = Generate.range(0, chars.length() - 1);
        Gen<Integer> separator = Generate.range(0, 9);
        Gen<String> domains = Generate.pick(List.of("x.com", "Example.ORG", "mail.acme.co.uk", "b-c.io"));
        return in -> {
            StringBuilder local = new StringBuilder();
            int n = Generate.range(1, 20).generate(in);
            for (int i = 0; i < n; i++) {
                local.append(chars.charAt(index.generate(in)));
                int s = separator.generate(in);
                if (i < n - 1 && s < 3) {
                    local.append(".+-".charAt(s));
                }
            }
            return local + "@" + domains.generate(in);
        };
    }

    private static Gen<String> caseFlips(String text) {
        return in -> {
            StringBuilder out = new StringBuilder();
            for (char c : text.toCharArray()) {
                out.append(Generate.booleans().generate(in) ? Character.toUpperCase(c) : Character.toLowerCase(c));
            }
            return out.toString();
        };
    }

    // ---- normalization --------------------------------------------------------------------------

    @Test
    void of_mixedCaseWithSurroundingSpace_isStrippedAndLowerCased() {
        qt().forAll(addresses(), Generate.pick(List.of("", " ", "\t", " \n "))).checkAssert((address, pad) -> {
            Email email = Email.of(pad + address + pad);
            assertEquals(address.toLowerCase(Locale.ROOT), email.value());
            assertEquals(email.value(), email.toString());
        });
    }

    @Test
    void twoSpellingsOfOneAddress_areEqual_andHashAlike() {
        qt().forAll(addresses().flatMap(a -> caseFlips(a).zip(caseFlips(a), List::of))).checkAssert(spellings -> {
            Email a = Email.of(spellings.get(0));
            Email b = Email.of(spellings.get(1));
            assertEquals(a, b);
            assertEquals(a.hashCode(), b.hashCode());
        });
    }

    @Test
    void normalizing_isIdempotent() {
        qt().forAll(addresses()).checkAssert(address -> {
            Email once = Email.of(address);
            assertEquals(once, Email.of(once.value()));
            assertEquals(once.value(), Email.of(once.value()).value());
        });
    }

    @Test
    void differentAddresses_areNotEqual() {
        assertNotEquals(Email.of("ann@x.com"), Email.of("ann@x.co"));
        assertNotEquals(Email.of("ann@x.com"), Email.of("anne@x.com"));
    }

    // ---- validation -----------------------------------------------------------------------------

    @Test
    void malformedAddress_isRefused_namingEmail() {
        List<String> malformed = List.of("", " ", "plainaddress", "@no-local.com", "ann@", "ann@@x.com", "ann@b@x.com",
                "ann@x", "ann@.x.com", "ann@x..com", "ann@x.com.", ".ann@x.com", "ann.@x.com", "ann smith@x.com",
                "<ann@x.com>", "ann,bob@x.com", "ann;bob@x.com", "\"ann\"@x.com", "ann@[127.0.0.1]", "a(b)@x.com",
                "ann:x@x.com", "ann\\x@x.com", "ann\u0000@x.com", "ann\u007f@x.com", "ann\u0085@x.com",
                "ann\u00a0@x.com", "'; DROP TABLE users; --", "\u212aim@x.com", "ann@\u212aelvin.com");
        qt().forAll(Generate.pick(malformed)).checkAssert(address -> {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Email.of(address),
                    () -> "accepted " + address);
            assertEquals("email", e.field());
            assertTrue(e.getMessage().startsWith("email "), e.getMessage());
            assertEquals(Reason.INVALID_INPUT, e.refusal().reason());
        });
    }

    @Test
    void kelvinSign_isRefused_soItCannotFoldIntoAnotherAddress() {
        // U+212A lower-cases to ASCII 'k': accepting it would make "\u212aim@x.com" the same user as "kim@x.com".
        assertThrows(InvalidInputException.class, () -> Email.of("\u212aim@x.com"));
        assertEquals("kim@x.com", Email.of("Kim@X.com").value());
    }

    @Test
    void null_isRefused_asRequired() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Email.of(null));
        assertEquals("email is required", e.getMessage());
    }

    @Test
    void localPart_of64_isAccepted_of65_isRefused() {
        assertEquals(64 + 6, Email.of("a".repeat(64) + "@x.com").value().length());
        assertEquals("email local part must be at most 64 characters",
                assertThrows(InvalidInputException.class, () -> Email.of("a".repeat(65) + "@x.com")).getMessage());
    }

    @Test
    void address_of254_isAccepted_of255_isRefused() {
        String domain254 = "d".repeat(254 - 4 - 4) + ".com";
        assertEquals(254, Email.of("ann@" + domain254).value().length());
        assertEquals("email must be at most 254 characters",
                assertThrows(InvalidInputException.class, () -> Email.of("ann@d" + domain254)).getMessage());
    }

    @Test
    void overlongInput_isRefusedWithoutEchoingIt() {
        InvalidInputException e = assertThrows(InvalidInputException.class, () -> Email.of("a".repeat(10_000)));
        assertTrue(e.getMessage().length() < 100, e.getMessage());
        assertEquals(0, e.getStackTrace().length, "a caller mistake carries no stack trace");
    }
}
