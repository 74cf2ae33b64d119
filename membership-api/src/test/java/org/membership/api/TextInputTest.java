package org.membership.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.quicktheories.QuickTheory.qt;

import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Display names and reasons: stripped, blank refused (names), no control characters, bounded.
 *
 * <p>A failing property prints {@code Seed was <n>}; replay it with {@code -DQT_SEED=<n>} or by
 * adding {@code .withFixedSeed(<n>L)} after {@code qt()}.
 */
final class TextInputTest {
    private static final String SPACES = " \t\n\r\u000B\f\u00A0\u2007\u202F\u2003\u3000";

    private static Gen<String> spacesOnly() {
        Gen<Integer> index = Generate.range(0, SPACES.length() - 1);
        return in -> {
            StringBuilder s = new StringBuilder();
            for (int i = Generate.range(1, 8).generate(in); i > 0; i--) {
                s.append(SPACES.charAt(index.generate(in)));
            }
            return s.toString();
        };
    }

    // ---- blank --------------------------------------------------------------------------------

    @Test
    void name_ofSpacesOnly_includingNoBreakSpaces_isBlank() {
        qt().forAll(spacesOnly()).checkAssert(blank -> {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new Command.CreateWorkspace(OrganizationId.of("1"), blank));
            assertEquals("name", e.field());
            assertEquals("name must not be blank", e.getMessage());
        });
    }

    @Test
    void reason_ofSpacesOnly_isStoredEmpty() {
        qt().forAll(spacesOnly()).checkAssert(blank -> assertEquals("",
                new Command.RevokeInvitation(InvitationId.of("1"), blank).reason()));
    }

    @Test
    void name_isStrippedOfSurroundingSpaces_includingNoBreakSpaces() {
        qt().forAll(spacesOnly(), spacesOnly()).checkAssert((before, after) -> assertEquals("Research Lab",
                new Command.CreateWorkspace(OrganizationId.of("1"), before + "Research Lab" + after).name()));
    }

    // ---- control characters and length ----------------------------------------------------------

    @Test
    void name_withControlCharacterInside_isRefused() {
        Gen<Integer> controls = Generate.oneOf(Generate.range(0, 0x1f), Generate.constant(0x7f), Generate.range(0x80, 0x9f));
        qt().forAll(controls).checkAssert(c -> {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new Command.CreateOrganization("Acme" + (char) (int) c + "Corp", UserId.of("1")));
            assertEquals("name", e.field());
            assertEquals("name must not contain control characters", e.getMessage());
        });
    }

    @Test
    void name_atMaximumLength_isKept_oneMore_isRefused() {
        assertEquals(200, new Command.CreateWorkspace(OrganizationId.of("1"), "n".repeat(200)).name().length());
        InvalidInputException e = assertThrows(InvalidInputException.class,
                () -> new Command.CreateWorkspace(OrganizationId.of("1"), "n".repeat(201)));
        assertEquals("name must be at most 200 characters", e.getMessage());
    }

    @Test
    void reason_atMaximumLength_isKept_oneMore_isRefused() {
        assertEquals(1000, new Command.RevokeInvitation(InvitationId.of("1"), "r".repeat(1000)).reason().length());
        assertEquals("reason", assertThrows(InvalidInputException.class,
                () -> new Command.RevokeInvitation(InvitationId.of("1"), "r".repeat(1001))).field());
    }

    // ---- surrogates ---------------------------------------------------------------------------

    /** A lone high or low surrogate, placed first, in the middle or last. */
    private static Gen<String> withLoneSurrogate(String text) {
        Gen<Integer> surrogate = Generate.range(0xD800, 0xDFFF);
        Gen<Integer> at = Generate.range(0, text.length());
        return in -> {
            int where = at.generate(in);
            return text.substring(0, where) + (char) (int) surrogate.generate(in) + text.substring(where);
        };
    }

    @Test
    void name_withLoneSurrogate_isRefused_becauseNoDatabaseCouldStoreIt() {
        qt().forAll(withLoneSurrogate("Research")).checkAssert(name -> {
            InvalidInputException e = assertThrows(InvalidInputException.class,
                    () -> new Command.CreateWorkspace(OrganizationId.of("1"), name));
            assertEquals("name", e.field());
            assertEquals("name must be valid Unicode text (it has half of a surrogate pair)", e.getMessage());
        });
    }

    @Test
    void reason_withLoneSurrogate_isRefused() {
        qt().forAll(withLoneSurrogate("left")).checkAssert(reason -> assertEquals("reason",
                assertThrows(InvalidInputException.class, () -> new Command.RevokeInvitation(InvitationId.of("1"), reason))
                        .field()));
    }

    @Test
    void email_withLoneSurrogate_isRefused_soTwoAddressesCannotBecomeOne() {
        qt().forAll(withLoneSurrogate("ann")).checkAssert(local -> {
            InvalidInputException e = assertThrows(InvalidInputException.class, () -> Email.of(local + "@example.com"));
            assertEquals("email", e.field());
        });
    }

    @Test
    void surrogatePairs_areText_andKept() {
        assertEquals("Lab \uD83D\uDE80", new Command.CreateWorkspace(OrganizationId.of("1"), "Lab \uD83D\uDE80").name());
        assertEquals("\uD83D\uDE80@example.com", Email.of("\uD83D\uDE80@example.com").value());
    }
}
