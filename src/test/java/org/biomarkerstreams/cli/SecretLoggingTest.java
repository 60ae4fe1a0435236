package org.biomarkerstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.biomarkerstreams.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * Secrets given to the application never reach a log line, at any level: a {@code replay} to a cluster starts with
 * a SASL password from a mounted secret file, a registry password and a truststore password inline, every logger at
 * DEBUG, and fails (the port accepts connections but never answers) after the start-up probe's Kafka admin client has
 * been built and has logged its config.
 */
class SecretLoggingTest {

    @TempDir
    Path dir;

    @Test
    void shouldLogNoSecretValueWhenAClientStartsWithSecretsAtDebugLevel() throws IOException {
        String saslPassword = "sasl-canary-" + UUID.randomUUID();
        String registryPassword = "registry-canary-" + UUID.randomUUID();
        String truststorePassword = "truststore-canary-" + UUID.randomUUID();
        Path secrets = Files.createDirectories(dir.resolve("secrets"));
        Files.writeString(secrets.resolve("kafka-password"), saslPassword);
        Path config = Files.writeString(
                dir.resolve("client.properties"),
                String.join(
                        "\n",
                        "security.protocol=SASL_PLAINTEXT",
                        "sasl.mechanism=SCRAM-SHA-512",
                        "config.providers=directory",
                        "config.providers.directory.class=org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                        "sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                                + " username=\"app\" password=\"${directory:" + secrets + ":kafka-password}\";",
                        "basic.auth.user.info=svc:" + registryPassword,
                        "ssl.truststore.password=" + truststorePassword,
                        "max.block.ms=2000",
                        ""));
        Path readings = Files.writeString(
                dir.resolve("readings.ndjson"),
                "{\"readingId\":\"SL-1\",\"patientId\":\"SL-A\",\"loinc\":\"1988-5\",\"value\":\"12\",\"unit\":\"mg/L\","
                        + "\"observedAt\":\"2020-02-02T08:00:00Z\",\"status\":\"FINAL\",\"revision\":0}\n");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit;

        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                LogCapture logs = LogCapture.atLevel(Level.DEBUG)) {
            holdConnectionsOpen(silent);
            CommandLine cli = Main.commandLine();
            cli.setOut(new PrintWriter(out, true));
            cli.setErr(new PrintWriter(err, true));
            exit = cli.execute(
                    "replay",
                    "--bootstrap-servers",
                    "127.0.0.1:" + silent.getLocalPort(),
                    "--schema-registry-url",
                    "mock://secret-logging-" + UUID.randomUUID(),
                    "--config",
                    config.toString(),
                    "--readings",
                    readings.toString());

            // The capture saw the configs: ours masked, and Kafka's client config dump with its own marker.
            assertThat(logs.linesContaining("Kafka client properties (secrets hidden)"))
                    .singleElement()
                    .asString()
                    .contains("sasl.jaas.config=[hidden]", "basic.auth.user.info=[hidden]")
                    .contains("ssl.truststore.password=[hidden]");
            assertThat(logs.linesContaining("sasl.jaas.config = [hidden]")).isNotEmpty();
            // Every logger at DEBUG: the admin client alone logs a few dozen lines while it tries.
            assertThat(logs.lines()).hasSizeGreaterThan(20);
            for (String secret : new String[] {saslPassword, registryPassword, truststorePassword}) {
                assertThat(logs.linesContaining(secret))
                        .as("log lines with a secret")
                        .isEmpty();
            }
        }
        assertThat(exit).as(err.toString()).isEqualTo(Main.UNREACHABLE);
        assertThat(out + err.toString()).doesNotContain(saslPassword, registryPassword, truststorePassword);
    }

    /** Accepts every connection and never answers, until the socket is closed. */
    private static void holdConnectionsOpen(ServerSocket server) {
        Thread acceptor = new Thread(
                () -> {
                    List<Socket> open = new ArrayList<>();
                    try {
                        while (true) {
                            open.add(server.accept());
                        }
                    } catch (IOException closed) {
                        for (Socket socket : open) {
                            try {
                                socket.close();
                            } catch (IOException ignored) {
                                // closing anyway
                            }
                        }
                    }
                },
                "silent-listener");
        acceptor.setDaemon(true);
        acceptor.start();
    }
}
