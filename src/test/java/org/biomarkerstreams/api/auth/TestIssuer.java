package org.biomarkerstreams.api.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An OIDC provider's public face, small enough to control: a discovery document and a JWK set on
 * loopback, with keys the test makes, publishes and rotates, and tokens it signs with any claims.
 * mock-oauth2-server covers the ordinary tokens; this one covers rotation, clocks and outages.
 */
final class TestIssuer implements AutoCloseable {

    static final String AUDIENCE = "biomarker-streams";

    private final HttpServer server;
    private volatile JWKSet published = new JWKSet();
    private volatile boolean up = true;
    final AtomicInteger keySetRequests = new AtomicInteger();
    final AtomicInteger discoveryRequests = new AtomicInteger();

    private TestIssuer(HttpServer server) {
        this.server = server;
        server.createContext("/.well-known/openid-configuration", exchange -> {
            discoveryRequests.incrementAndGet();
            respond(exchange, "{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + jwksUri() + "\"}");
        });
        server.createContext("/jwks", exchange -> {
            keySetRequests.incrementAndGet();
            respond(exchange, published.toString(true));
        });
        server.start();
    }

    static TestIssuer start() {
        try {
            return new TestIssuer(HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    URI issuer() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    URI jwksUri() {
        return URI.create(issuer() + "/jwks");
    }

    /** Answers 503 to everything while down, as an IdP that is still starting. */
    void down(boolean down) {
        this.up = !down;
    }

    static RSAKey newKey(String kid) {
        try {
            return new RSAKeyGenerator(2048).keyID(kid).generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The JWK set now holds exactly these keys' public halves. */
    void publish(RSAKey... keys) {
        published = new JWKSet(Arrays.stream(keys)
                .map(RSAKey::toPublicJWK)
                .map(JWK.class::cast)
                .toList());
    }

    /** Claims a token of this issuer carries: iss, aud, sub, iat now, exp in five minutes. */
    JWTClaimsSet.Builder claims(Instant now) {
        return new JWTClaimsSet.Builder()
                .issuer(issuer().toString())
                .audience(List.of(AUDIENCE))
                .subject("user-1")
                .issueTime(Date.from(now))
                .expirationTime(Date.from(now.plusSeconds(300)));
    }

    static String sign(RSAKey key, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(
                    new JWSHeader.Builder(JWSAlgorithm.RS256)
                            .keyID(key.getKeyID())
                            .type(JOSEObjectType.JWT)
                            .build(),
                    claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private void respond(HttpExchange exchange, String json) throws IOException {
        byte[] body = json.getBytes(StandardCharsets.UTF_8);
        if (!up) {
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(200, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
