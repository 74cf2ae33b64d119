package org.membership.tck.support;

/** Text the rule contracts feed the library, and show in their failures. */
public final class Text {
    private Text() {}

    public static String caseFlipped(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            out.append(Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        }
        return out.toString();
    }

    public static String printable(String input) {
        String shown = input.length() > 40 ? input.substring(0, 40) + "…(" + input.length() + " chars)" : input;
        StringBuilder out = new StringBuilder();
        shown.chars().forEach(c -> out.append(Character.isISOControl(c) ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return out.toString();
    }
}
