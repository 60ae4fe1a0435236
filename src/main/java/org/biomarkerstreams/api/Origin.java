package org.biomarkerstreams.api;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Where a request came from, as far as answering it needs: whether another instance forwarded it (then it is never
 * forwarded again), its raw path and query (forwarded unchanged), and the caller's credentials (forwarded with it,
 * so that the owner checks them again and audits the access itself).
 *
 * @param forwarded whether another instance forwarded it
 * @param rawPathAndQuery the raw path and query
 * @param authorization the {@code Authorization} header, or null
 */
record Origin(boolean forwarded, String rawPathAndQuery, String authorization, ArmLabels armLabels) {

    /** How a blinded protocol's arms are shown to this caller. */
    enum ArmLabels {
        /** As the protocol says: neutral codes when it is blinded. */
        AS_PROTOCOL,
        /** The true arms: the caller has the {@code unblinded} role. */
        UNBLINDED
    }

    Origin(boolean forwarded, String rawPathAndQuery, String authorization) {
        this(forwarded, rawPathAndQuery, authorization, ArmLabels.AS_PROTOCOL);
    }

    /** A request made here, not forwarded, without credentials: tests and direct calls. */
    static Origin direct(String rawPathAndQuery) {
        return new Origin(false, rawPathAndQuery, null);
    }

    static Origin of(Request request, ArmLabels armLabels) {
        String rawPath = request.getHttpURI().getPath();
        String rawQuery = request.getHttpURI().getQuery();
        return new Origin(
                request.getHeaders().contains(Forwarder.HEADER),
                rawQuery == null ? rawPath : rawPath + "?" + rawQuery,
                request.getHeaders().get(HttpHeader.AUTHORIZATION),
                armLabels);
    }
}
