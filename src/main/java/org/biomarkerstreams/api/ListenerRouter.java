package org.biomarkerstreams.api;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Sends what arrives on the health listener to health alone, and everything else to the API. On the health
 * listener, {@code /health/live} and {@code /health/ready} answer with the state and nothing else; every other path
 * is 404.
 */
final class ListenerRouter extends Handler.Wrapper {

    private final Connector healthListener;
    private final QueryService service;

    ListenerRouter(Connector healthListener, QueryService service, Handler api) {
        super(api);
        this.healthListener = healthListener;
        this.service = service;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        if (request.getConnectionMetaData().getConnector() != healthListener) {
            return super.handle(request, response, callback);
        }
        String path = request.getHttpURI().getPath();
        Reply reply;
        if (!request.getMethod().equals("GET") && !request.getMethod().equals("HEAD")) {
            reply = Reply.error(405, "only GET");
        } else if ("/health/live".equals(path)) {
            reply = service.handle(new ApiRequest.Live(), Origin.direct(path));
        } else if ("/health/ready".equals(path)) {
            reply = service.handle(new ApiRequest.Ready(), Origin.direct(path));
        } else {
            reply = Reply.error(404, "only /health/live and /health/ready here");
        }
        response.setStatus(reply.status());
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, reply.contentType());
        response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
        response.getHeaders().put("X-Content-Type-Options", "nosniff");
        response.write(true, request.getMethod().equals("HEAD") ? null : ByteBuffer.wrap(reply.body()), callback);
        return true;
    }
}
