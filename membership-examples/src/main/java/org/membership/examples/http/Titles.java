package org.membership.examples.http;

/** The standard reason phrase of the few statuses the transport answers itself, for problem details' {@code title}. */
final class Titles {
    private Titles() {}

    static String of(int status) {
        switch (status) {
            case 400:
                return "Bad Request";
            case 408:
                return "Request Timeout";
            case 413:
                return "Content Too Large";
            case 414:
                return "URI Too Long";
            case 431:
                return "Request Header Fields Too Large";
            case 503:
                return "Service Unavailable";
            default:
                return "Error";
        }
    }
}
