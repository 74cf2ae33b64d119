package org.membership.api;

/** Validation shared by the value types; messages always name the field. */
final class Inputs {
    static final int MAX_ID_LENGTH = 128;
    static final int MAX_NAME_LENGTH = 200;
    static final int MAX_REASON_LENGTH = 1000;

    private Inputs() {}

    static <T> T required(String field, T value) {
        if (value == null) {
            throw new InvalidInputException(field, field + " is required");
        }
        return value;
    }

    /** Opaque ids: 1-128 characters from {@code A-Z a-z 0-9 _ - . :}. */
    static String id(String field, String value) {
        required(field, value);
        if (value.isEmpty()) {
            throw new InvalidInputException(field, field + " must not be blank");
        }
        if (value.length() > MAX_ID_LENGTH) {
            throw new InvalidInputException(field, field + " must be at most " + MAX_ID_LENGTH + " characters");
        }
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '_' || c == '-' || c == '.' || c == ':';
            if (!ok) {
                throw new InvalidInputException(field,
                        field + " may contain only letters, digits, '_', '-', '.' and ':'");
            }
        }
        return value;
    }

    /** Human text (names): stripped, 1..max characters, no control characters. */
    static String text(String field, String value, int max, boolean allowEmpty) {
        required(field, value);
        String stripped = stripSpaces(value);
        if (stripped.isEmpty() && !allowEmpty) {
            throw new InvalidInputException(field, field + " must not be blank");
        }
        if (stripped.length() > max) {
            throw new InvalidInputException(field, field + " must be at most " + max + " characters");
        }
        if (stripped.chars().anyMatch(Character::isISOControl)) {
            throw new InvalidInputException(field, field + " must not contain control characters");
        }
        if (hasLoneSurrogate(stripped)) {
            throw new InvalidInputException(field, field + " must be valid Unicode text (it has half of a surrogate pair)");
        }
        return stripped;
    }

    /**
     * Whether a UTF-16 surrogate in {@code value} lacks its other half. Such a string has no UTF-8 form,
     * so a database would store something else (SQLite stores '?'), and two inputs could become one.
     */
    static boolean hasLoneSurrogate(String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Strips white space and space separators from both ends: {@link String#strip()} keeps no-break
     * spaces (U+00A0, U+2007, U+202F), so a name of only those would not count as blank.
     */
    private static String stripSpaces(String value) {
        int start = 0;
        int end = value.length();
        while (start < end && isSpace(value.charAt(start))) {
            start++;
        }
        while (end > start && isSpace(value.charAt(end - 1))) {
            end--;
        }
        return value.substring(start, end);
    }

    private static boolean isSpace(char c) {
        return Character.isWhitespace(c) || Character.isSpaceChar(c);
    }

    /** Audit sequence numbers used as page ids: 1-18 digits. */
    static long sequence(String field, String value) {
        if (value.isEmpty() || value.length() > 18 || !value.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new InvalidInputException(field, field + " must be an audit sequence number");
        }
        return Long.parseLong(value);
    }

    static int limit(String field, int value, int min, int max) {
        if (value < min || value > max) {
            throw new InvalidInputException(field, field + " must be between " + min + " and " + max);
        }
        return value;
    }
}
