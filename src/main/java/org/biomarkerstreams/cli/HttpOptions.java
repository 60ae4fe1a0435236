package org.biomarkerstreams.cli;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.biomarkerstreams.app.Pipeline;
import picocli.CommandLine.Option;

/** Where the HTTP query API and dashboard listen, and how other instances reach this one. */
final class HttpOptions {

    @Option(
            names = "--http-port",
            paramLabel = "PORT",
            defaultValue = "8080",
            description =
                    "Port of the HTTP query API, health and dashboard; 0 = any free port (default: ${DEFAULT-VALUE}).")
    int port;

    @Option(
            names = "--http-bind-address",
            paramLabel = "HOST",
            defaultValue = "0.0.0.0",
            description = "Address the HTTP server binds (default: ${DEFAULT-VALUE}).")
    String bindAddress;

    @Option(
            names = "--http-advertised-host",
            paramLabel = "HOST",
            description = "Host name other instances reach this one by: with the bound port it is Kafka Streams'"
                    + " application.server, where patient queries are forwarded (default: this machine's host name;"
                    + " 'localhost' in the demo).")
    String advertisedHost;

    /** The endpoint to start, with {@code fallbackHost} when no advertised host was given (null: this machine's name). */
    Pipeline.Http endpoint(String fallbackHost) {
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("--http-port must be 0..65535, got " + port);
        }
        String host = advertisedHost != null && !advertisedHost.isBlank()
                ? advertisedHost.strip()
                : fallbackHost != null ? fallbackHost : localHostName();
        return new Pipeline.Http(bindAddress, port, host);
    }

    private static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
