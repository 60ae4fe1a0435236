package org.biomarkerstreams.api;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import org.biomarkerstreams.api.auth.AuthResult;
import org.biomarkerstreams.api.auth.Caller;
import org.biomarkerstreams.api.auth.FailureLimiter;
import org.biomarkerstreams.api.auth.Role;
import org.biomarkerstreams.domain.Pseudonym;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The API listener's one handler: Host check, routing, authentication, roles, audit, and the security headers on
 * every answer. Patient routes answer a caller without the {@code clinician} role with the same 403 whether the
 * patient exists or not, so the API cannot be used to find out who is in the trial.
 *
 * <p>Logs name the route template, never the path: paths carry patient ids.
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    /** Anyone on loopback, when no authentication is configured: every role but unblinding. */
    private static final Caller OPEN = new Caller("anonymous", EnumSet.of(Role.CLINICIAN, Role.MONITOR, Role.OPS));

    private final QueryService service;
    private final MetricsEndpoint metrics;
    private final Assets assets;
    private final HttpSettings.Access access;
    private final FailureLimiter failures;
    private final AuditTrail audit;
    private final Pseudonym pseudonym;
    private final SecurityHeaders headers;
    private final Set<String> allowedHosts;
    private final SlowRequestGuard guard;
    private final Clock clock;
    private volatile String instance = "(starting)";

    ApiHandler(
            QueryService service,
            MetricsEndpoint metrics,
            HttpSettings settings,
            AuditTrail audit,
            Pseudonym pseudonym,
            SlowRequestGuard guard,
            Clock clock) {
        this.service = service;
        this.metrics = metrics;
        this.assets = new Assets();
        this.access = settings.access();
        this.failures = new FailureLimiter(settings.limits().failedAuthenticationsPerMinute(), 10_000, clock);
        this.audit = audit;
        this.pseudonym = pseudonym;
        this.headers = new SecurityHeaders(settings);
        this.allowedHosts = settings.effectiveAllowedHosts();
        this.guard = guard;
        this.clock = clock;
    }

    /** The {@code host:port} this instance answers as, for audit records. */
    void instance(String hostAndPort) {
        this.instance = hostAndPort;
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Connection connection = request.getConnectionMetaData().getConnection();
        guard.begin(connection);
        Callback done = Callback.from(callback, () -> guard.end(connection));
        String template = "(no route)";
        Reply reply;
        try {
            String method = request.getMethod();
            String rawPath = request.getHttpURI().getPath();
            String rawQuery = request.getHttpURI().getQuery();
            Optional<ApiRequest> parsed = ApiRequest.parse(rawPath, rawQuery);
            if (!hostAllowed(request)) {
                reply = Reply.error(421, "unknown host");
            } else if (parsed.isEmpty()) {
                reply = Reply.error(404, "no such route");
            } else if (!method.equals("GET") && !method.equals("HEAD")) {
                template = parsed.get().template();
                reply = Reply.error(405, "only GET");
                response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            } else {
                ApiRequest api = parsed.get();
                template = api.template();
                reply = answer(api, request, response);
            }
        } catch (AuditTrail.AuditUnavailableException e) {
            log.warn("{}: audit record not written, nothing answered: {}", template, e.getMessage());
            reply = Reply.error(503, "the access could not be audited; retry");
        } catch (RuntimeException e) {
            log.error("{} failed", template, e);
            reply = Reply.error(500, "internal error");
        }
        send(request, response, done, reply);
        log.debug("{} -> {}", template, reply.status());
        return true;
    }

    private Reply answer(ApiRequest api, Request request, Response response) {
        Requirement needs = Requirement.of(api);
        if (needs == Requirement.NONE) {
            if (api instanceof ApiRequest.Asset asset) {
                return assets.get(asset.name());
            }
            if (api instanceof ApiRequest.AuthConfig) {
                return AuthConfig.reply(access);
            }
            return service.handle(api, Origin.of(request, Origin.ArmLabels.AS_PROTOCOL));
        }
        String client = Request.getRemoteAddr(request);
        Caller caller;
        if (access instanceof HttpSettings.Access.Authenticated authenticated) {
            if (failures.blocked(client)) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "60");
                return Reply.error(429, "too many failed authentications; retry later");
            }
            String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
            AuthResult result = authenticated.authenticator().authenticate(authorization);
            if (result instanceof AuthResult.Authenticated ok) {
                caller = ok.caller();
            } else if (result instanceof AuthResult.Unavailable unavailable) {
                // The provider's fault, not the caller's: not counted as a failed authentication.
                log.info("{}: bearer token not checked ({})", api.template(), unavailable.reason());
                return Reply.error(503, "authentication unavailable; retry");
            } else {
                boolean invalid = result instanceof AuthResult.Rejected;
                if (invalid) {
                    failures.failed(client);
                    log.info("{}: bearer token rejected ({})", api.template(), ((AuthResult.Rejected) result).reason());
                }
                response.getHeaders()
                        .put(
                                HttpHeader.WWW_AUTHENTICATE,
                                invalid
                                        ? "Bearer realm=\"biomarker-streams\", error=\"invalid_token\""
                                        : "Bearer realm=\"biomarker-streams\"");
                return Reply.error(401, "authentication required");
            }
        } else {
            caller = OPEN;
        }
        if (api instanceof ApiRequest.PatientRequest patient) {
            return patient(patient, caller, request, client);
        }
        if (!needs.grantedTo(caller)) {
            return Reply.error(403, "forbidden");
        }
        if (api instanceof ApiRequest.Metrics) {
            return metrics == null
                    ? Reply.error(404, "no metrics registry")
                    : metrics.scrape(request.getHeaders().get(HttpHeader.ACCEPT));
        }
        return service.handle(api, Origin.of(request, armLabels(caller)));
    }

    private static Origin.ArmLabels armLabels(Caller caller) {
        return caller.has(Role.UNBLINDED) ? Origin.ArmLabels.UNBLINDED : Origin.ArmLabels.AS_PROTOCOL;
    }

    /** A patient route: the same 403 for a caller without the role, known patient or not; audited either way. */
    private Reply patient(ApiRequest.PatientRequest api, Caller caller, Request request, String client) {
        Reply reply;
        if (!Requirement.CLINICIAN.grantedTo(caller)) {
            reply = Reply.error(403, "forbidden");
        } else {
            reply = service.handle(api, Origin.of(request, armLabels(caller)));
        }
        if (!reply.forwarded()) {
            // The owner that read its store audits a forwarded request; this instance audits what it answered.
            audit.record(new AuditTrail.Access(
                    clock.instant(),
                    caller.subject(),
                    api.template(),
                    pseudonym.of(api.patientId()),
                    outcome(reply.status()),
                    reply.status(),
                    client,
                    instance));
        }
        return reply;
    }

    private static AuditTrail.Outcome outcome(int status) {
        return switch (status) {
            case 200 -> AuditTrail.Outcome.ANSWERED;
            case 404 -> AuditTrail.Outcome.NOT_FOUND;
            case 403 -> AuditTrail.Outcome.DENIED;
            case 400 -> AuditTrail.Outcome.REJECTED;
            default -> AuditTrail.Outcome.UNAVAILABLE;
        };
    }

    private boolean hostAllowed(Request request) {
        if (allowedHosts.contains("*")) {
            return true;
        }
        String host = Request.getServerName(request);
        return host != null && allowedHosts.contains(HttpSettings.normalizeHost(host));
    }

    private void send(Request request, Response response, Callback callback, Reply reply) {
        HttpFields.Mutable h = response.getHeaders();
        headers.applyTo(h, request.isSecure());
        h.put(HttpHeader.CONTENT_TYPE, reply.contentType());
        if (reply.status() == 503) {
            h.put(HttpHeader.RETRY_AFTER, "1");
        }
        if (reply.contentType().startsWith("application/json")
                || reply.contentType().startsWith("text/plain")) {
            h.put(HttpHeader.CACHE_CONTROL, "no-store");
        }
        response.setStatus(reply.status());
        if (request.getMethod().equals("HEAD")) {
            h.put(new HttpField(HttpHeader.CONTENT_LENGTH, Integer.toString(reply.body().length)));
            response.write(true, null, callback);
        } else {
            response.write(true, ByteBuffer.wrap(reply.body()), callback);
        }
    }

    /** What a route asks of its caller. */
    enum Requirement {
        /** Dashboard files, health, how to log in: no data. */
        NONE,
        /**
         * Any authenticated caller: the analytes and their reference intervals, and the protocol (title, arms as the
         * caller may see them, visit windows), which the patient view needs as much as the cohort view.
         */
        AUTHENTICATED,
        CLINICIAN,
        MONITOR,
        OPS;

        static Requirement of(ApiRequest request) {
            if (request instanceof ApiRequest.PatientRequest) {
                return CLINICIAN;
            } else if (request instanceof ApiRequest.CohortRequest) {
                return MONITOR;
            } else if (request instanceof ApiRequest.Metrics) {
                return OPS;
            } else if (request instanceof ApiRequest.Analytes || request instanceof ApiRequest.StudyProtocol) {
                return AUTHENTICATED;
            }
            return NONE;
        }

        boolean grantedTo(Caller caller) {
            return switch (this) {
                case NONE, AUTHENTICATED -> true;
                case CLINICIAN -> caller.has(Role.CLINICIAN);
                case MONITOR -> caller.has(Role.MONITOR);
                case OPS -> caller.has(Role.OPS);
            };
        }
    }
}
