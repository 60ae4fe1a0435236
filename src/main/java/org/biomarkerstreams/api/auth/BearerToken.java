package org.biomarkerstreams.api.auth;

import java.util.Optional;

/** The credentials of an {@code Authorization: Bearer <token>} header (RFC 6750; the scheme ignores case). */
final class BearerToken {

    /** Far above any real access token; stops a parser or a hash from chewing on megabytes. */
    static final int MAX_LENGTH = 16 * 1024;

    private static final String SCHEME = "Bearer";

    private BearerToken() {}

    static Optional<String> from(String authorizationHeader) {
        if (authorizationHeader == null) {
            return Optional.empty();
        }
        String header = authorizationHeader.strip();
        if (header.length() <= SCHEME.length()
                || !header.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || header.charAt(SCHEME.length()) != ' ') {
            return Optional.empty();
        }
        String token = header.substring(SCHEME.length()).strip();
        return token.isEmpty() ? Optional.empty() : Optional.of(token);
    }

    /** A value an attacker chose, made safe for a log line: printable ASCII, clipped. */
    static String printable(String value) {
        if (value == null) {
            return "(none)";
        }
        StringBuilder out = new StringBuilder(Math.min(value.length(), 80));
        for (int i = 0; i < value.length() && out.length() < 80; i++) {
            char c = value.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return value.length() > 80 ? out + "…" : out.toString();
    }
}
