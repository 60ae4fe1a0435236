package org.biomarkerstreams.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.biomarkerstreams.app.Hl7Ingest;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import picocli.CommandLine.Option;

/** How HL7 v2 messages are read and acknowledged (ingest-hl7, and the listener inside demo and run). */
final class Hl7Options {

    @Option(
            names = "--local-code",
            paramLabel = "CODE=LOINC",
            description = "Map a local OBX-3 code (CODE or CODE^SYSTEM) to a LOINC code; repeatable.")
    Map<String, String> localCodes = Map.of();

    @Option(
            names = "--arm-field",
            defaultValue = Hl7Settings.DEFAULT_ARM_FIELD,
            description =
                    "Where ADT^A01/A04 carry the trial arm: a field such as PV1-18, or OBX:CODE (default: ${DEFAULT-VALUE}).")
    String armField;

    @Option(
            names = "--write-timeout",
            defaultValue = "PT10S",
            description =
                    "How long an HL7 message may wait for Kafka before it is answered AR (default: ${DEFAULT-VALUE}).")
    Duration writeTimeout;

    @Option(
            names = "--mllp-bind-address",
            paramLabel = "ADDRESS",
            description =
                    "Local address the MLLP listener binds (default: 0.0.0.0, all interfaces; the demo: 127.0.0.1).")
    String mllpBindAddress;

    @Option(
            names = "--mllp-tls-cert",
            paramLabel = "FILE",
            description = "PEM certificate chain of the MLLP listener (with --mllp-tls-key): MLLP over TLS 1.3/1.2;"
                    + " reloaded when the file changes.")
    Path mllpTlsCert;

    @Option(
            names = "--mllp-tls-key",
            paramLabel = "FILE",
            description = "PEM private key for --mllp-tls-cert (PKCS#8, PKCS#1 RSA or SEC1 EC; not encrypted).")
    Path mllpTlsKey;

    @Option(
            names = "--mllp-tls-keystore",
            paramLabel = "FILE",
            description = "PKCS#12 key store of the MLLP listener, instead of --mllp-tls-cert/--mllp-tls-key.")
    Path mllpTlsKeystore;

    @Option(
            names = "--mllp-tls-keystore-password-file",
            paramLabel = "FILE",
            description = "File whose first line is the --mllp-tls-keystore password.")
    Path mllpTlsKeystorePasswordFile;

    @Option(
            names = "--mllp-tls-client-ca",
            paramLabel = "FILE",
            description =
                    "PEM bundle of the CAs of lab client certificates: mutual TLS, a client certificate required.")
    Path mllpTlsClientCa;

    @Option(
            names = "--mllp-senders",
            paramLabel = "FILE",
            description = "YAML file: the sending facilities (MSH-4) and applications (MSH-3) each client certificate"
                    + " (subject DN or DNS name) may send for; others are answered AE and dead-lettered"
                    + " UNAUTHORIZED_SENDER. Needs --mllp-tls-client-ca.")
    Path mllpSenders;

    @Option(
            names = "--mllp-allow-cidr",
            paramLabel = "CIDR",
            split = ",",
            description = "Source addresses allowed to connect (IPv4 or IPv6 CIDR, or one address); repeatable."
                    + " Others are closed unread. Default: any source.")
    List<String> mllpAllowCidrs = new ArrayList<>();

    @Option(
            names = "--mllp-max-connections",
            defaultValue = "64",
            description = "Open MLLP connections; a new one evicts the one longest without a message (default:"
                    + " ${DEFAULT-VALUE}).")
    int mllpMaxConnections;

    @Option(
            names = "--mllp-idle-timeout",
            paramLabel = "DURATION",
            defaultValue = "PT60S",
            description = "Close an MLLP connection silent this long between messages (default: ${DEFAULT-VALUE}).")
    Duration mllpIdleTimeout;

    @Option(
            names = "--mllp-read-timeout",
            paramLabel = "DURATION",
            defaultValue = "PT30S",
            description = "Time for a whole message to arrive once begun, and for its answer to be written"
                    + " (default: ${DEFAULT-VALUE}).")
    Duration mllpReadTimeout;

    @Option(
            names = "--mllp-max-message-bytes",
            defaultValue = "1048576",
            description = "Largest HL7 message accepted; a larger one is answered AE and dead-lettered OVERSIZED"
                    + " (default: ${DEFAULT-VALUE}).")
    int mllpMaxMessageBytes;

    @picocli.CommandLine.Mixin
    IngestOptions ingest;

    /** The settings, listening on all interfaces unless {@code --mllp-bind-address} says otherwise. */
    Hl7Ingest.Settings settings(Duration futureTolerance) {
        return settings(futureTolerance, "0.0.0.0");
    }

    /** The settings, listening on {@code defaultBindAddress} unless {@code --mllp-bind-address} says otherwise. */
    Hl7Ingest.Settings settings(Duration futureTolerance, String defaultBindAddress) {
        return new Hl7Ingest.Settings(
                localCodes,
                armField,
                writeTimeout,
                futureTolerance,
                new Hl7Ingest.Mllp(
                        mllpBindAddress == null || mllpBindAddress.isBlank() ? defaultBindAddress : mllpBindAddress,
                        mllpTlsCert,
                        mllpTlsKey,
                        mllpTlsKeystore,
                        mllpTlsKeystorePasswordFile,
                        mllpTlsClientCa,
                        mllpSenders,
                        mllpAllowCidrs,
                        mllpMaxConnections,
                        mllpIdleTimeout,
                        mllpReadTimeout,
                        mllpMaxMessageBytes),
                ingest.patientIdRule(),
                ingest.hl7DefaultCharset());
    }
}
