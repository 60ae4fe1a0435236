package org.biomarkerstreams.api.auth;

import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jose.util.JSONObjectUtils;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider's signing keys. With a configured JWKS URI they are ready at once; otherwise the URI is
 * discovered on first use, and retried with backoff while the provider is not up yet (it may start after
 * us), so that start-up never waits for it and an outage never turns into a request storm against it.
 */
final class IssuerKeys {

    private static final Logger LOG = LoggerFactory.getLogger(IssuerKeys.class);

    static final int HTTP_CONNECT_TIMEOUT_MS = 3_000;
    static final int HTTP_READ_TIMEOUT_MS = 5_000;
    /** A JWK set or a discovery document is a few kilobytes. */
    static final int HTTP_SIZE_LIMIT_BYTES = 256 * 1024;
    /** Keys are re-read this often even without an unknown kid. */
    static final Duration CACHE_TIME_TO_LIVE = Duration.ofMinutes(10);
    /** How long a request waits for another thread's refresh of the key set. */
    static final Duration CACHE_REFRESH_TIMEOUT = Duration.ofSeconds(5);
    /**
     * An unknown kid refreshes the key set (rotation), at most twice per interval, so that tokens with
     * made-up kids cannot make us hammer the provider.
     */
    static final Duration REFRESH_MIN_INTERVAL = Duration.ofSeconds(30);

    static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final OidcSettings settings;
    private final Clock clock;
    private final ResourceRetriever retriever;
    private final ReentrantLock discovering = new ReentrantLock();

    private volatile JWKSource<SecurityContext> keys;
    // Guarded by discovering.
    private Instant nextAttempt = Instant.MIN;
    private Duration backoff = FIRST_BACKOFF;

    IssuerKeys(OidcSettings settings, Clock clock) {
        this.settings = settings;
        this.clock = clock;
        this.retriever =
                new DefaultResourceRetriever(HTTP_CONNECT_TIMEOUT_MS, HTTP_READ_TIMEOUT_MS, HTTP_SIZE_LIMIT_BYTES);
        this.keys = settings.jwksUri().map(this::remote).orElse(null);
    }

    /**
     * The key source, or empty while the issuer's metadata cannot be had. Never blocks behind another
     * thread's discovery attempt: concurrent requests are turned away instead of queueing on a dead IdP.
     */
    Optional<JWKSource<SecurityContext>> source() {
        JWKSource<SecurityContext> ready = keys;
        if (ready != null) {
            return Optional.of(ready);
        }
        if (!discovering.tryLock()) {
            return Optional.empty();
        }
        try {
            if (keys != null) {
                return Optional.of(keys);
            }
            Instant now = clock.instant();
            if (now.isBefore(nextAttempt)) {
                return Optional.empty();
            }
            try {
                URI jwksUri = discover();
                keys = remote(jwksUri);
                LOG.info("OIDC issuer {}: signing keys from {}", settings.issuer(), jwksUri);
                return Optional.of(keys);
            } catch (IOException | ParseException | IllegalArgumentException e) {
                nextAttempt = now.plus(backoff);
                LOG.warn(
                        "OIDC issuer {}: metadata unavailable from {} ({}); bearer tokens are rejected, next try in {} s",
                        settings.issuer(),
                        settings.discoveryUri(),
                        e.getMessage(),
                        backoff.toSeconds());
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                return Optional.empty();
            }
        } finally {
            discovering.unlock();
        }
    }

    private URI discover() throws IOException, ParseException {
        String body = retriever.retrieveResource(toUrl(settings.discoveryUri())).getContent();
        Map<String, Object> metadata = JSONObjectUtils.parse(body);
        // OpenID Connect Discovery 1.0, 4.3: the document's issuer must be the one we asked about.
        String issuer = JSONObjectUtils.getString(metadata, "issuer");
        if (!settings.issuer().toString().equals(issuer)) {
            throw new IllegalArgumentException("the document names issuer " + BearerToken.printable(issuer)
                    + ", not the configured one (check a trailing slash)");
        }
        URI jwksUri = JSONObjectUtils.getURI(metadata, "jwks_uri");
        if (jwksUri == null) {
            throw new IllegalArgumentException("the document has no jwks_uri");
        }
        return jwksUri;
    }

    private JWKSource<SecurityContext> remote(URI jwksUri) {
        return JWKSourceBuilder.<SecurityContext>create(toUrl(jwksUri), retriever)
                .cache(CACHE_TIME_TO_LIVE.toMillis(), CACHE_REFRESH_TIMEOUT.toMillis())
                // A refresh on the request thread every ten minutes costs one small GET; no thread to stop.
                .refreshAheadCache(false)
                .rateLimited(REFRESH_MIN_INTERVAL.toMillis())
                .retrying(true)
                .build();
    }

    private static URL toUrl(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("not a URL: " + uri, e);
        }
    }
}
