package org.membership.api;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** Parsing of the library's enums from host strings, with refusals that name the field. */
final class Enums {
    private Enums() {}

    static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        Inputs.required(field, value);
        for (E e : type.getEnumConstants()) {
            if (e.name().equalsIgnoreCase(value.strip())) {
                return e;
            }
        }
        String allowed = Arrays.stream(type.getEnumConstants())
                .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
        throw new InvalidInputException(field, field + " must be one of: " + allowed);
    }
}
