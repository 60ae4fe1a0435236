package org.biomarkerstreams.app;

import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.biomarkerstreams.domain.PatientIdRule;
import org.biomarkerstreams.ingest.hl7.Hl7Settings;
import org.biomarkerstreams.ingest.hl7.MllpListener;
import org.biomarkerstreams.ingest.hl7.SenderPolicy;
import org.biomarkerstreams.ingest.hl7.SourceAllowlist;
import org.biomarkerstreams.streams.AvroSerdes;
import org.biomarkerstreams.streams.DeadLetters;
import org.biomarkerstreams.streams.InputPublisher;
import org.biomarkerstreams.streams.Topics;
import org.biomarkerstreams.tls.ServerTls;
import org.biomarkerstreams.tls.TlsFiles;

/**
 * The HL7 ingest service: an MLLP listener with its durable publisher to the input topics, on its
 * own ({@code ingest-hl7}) or next to a pipeline in the same process ({@code run}, {@code demo}).
 */
public final class Hl7Ingest implements AutoCloseable {

    /**
     * How HL7 v2 messages are read and acknowledged.
     *
     * @param localCodes local OBX-3 codes (CODE or CODE^SYSTEM) to LOINC
     * @param armField where ADT^A01/A04 carry the trial arm (PV1-18, or OBX:CODE)
     * @param writeTimeout how long a message may wait for Kafka before it is answered AR
     * @param futureTolerance how far past the clock a status time (MSH-7, OBR-22, OBX-14) may be
     * @param mllp the listener's door: address, TLS, who may connect and send, limits
     * @param patientIdRule which PID-3 identifier is the patient key
     * @param defaultCharset the character set of a message without MSH-18 whose bytes are not valid UTF-8
     */
    public record Settings(
            Map<String, String> localCodes,
            String armField,
            Duration writeTimeout,
            Duration futureTolerance,
            Mllp mllp,
            PatientIdRule patientIdRule,
            Charset defaultCharset) {

        public Settings {
            localCodes = Map.copyOf(localCodes);
            Objects.requireNonNull(armField, "armField");
            Objects.requireNonNull(writeTimeout, "writeTimeout");
            Objects.requireNonNull(futureTolerance, "futureTolerance");
            Objects.requireNonNull(mllp, "mllp");
            Objects.requireNonNull(patientIdRule, "patientIdRule");
            Objects.requireNonNull(defaultCharset, "defaultCharset");
        }

        public static Settings defaults() {
            return new Settings(
                    Map.of(),
                    Hl7Settings.DEFAULT_ARM_FIELD,
                    Duration.ofSeconds(10),
                    Hl7Settings.DEFAULT_FUTURE_TOLERANCE,
                    Mllp.defaults(),
                    PatientIdRule.BARE,
                    MllpListener.Settings.defaults().defaultCharset());
        }

        public Settings withMllp(Mllp listener) {
            return new Settings(
                    localCodes, armField, writeTimeout, futureTolerance, listener, patientIdRule, defaultCharset);
        }

        Hl7Settings mapping(ZoneId zone) {
            Hl7Settings s = Hl7Settings.defaults(Clock.systemUTC())
                    .withSiteZone(zone)
                    .withArmField(armField)
                    .withFutureTolerance(futureTolerance)
                    .withPatientIdRule(patientIdRule);
            for (Map.Entry<String, String> e : localCodes.entrySet()) {
                s = s.withLocalCode(e.getKey(), e.getValue());
            }
            return s;
        }

        /**
         * The HL7 path's producer: a send must not block longer than the ACK may wait (with Kafka down,
         * the sender gets AR in time); and no linger, because each message waits for its own records
         * before its ACK, so on one connection nothing could join the batch and every message would wait
         * the whole linger. No compression either: a batch is one message's few readings, too small to
         * shrink, and lz4 allocates a 64 KiB block buffer per batch.
         */
        Map<String, String> producerProperties(Map<String, String> clientProperties) {
            Map<String, String> producer = new HashMap<>(clientProperties);
            producer.putIfAbsent("max.block.ms", Long.toString(writeTimeout.toMillis()));
            producer.putIfAbsent("linger.ms", "0");
            producer.putIfAbsent("compression.type", "none");
            return producer;
        }
    }

    /**
     * The MLLP listener's door, as plain values from the options ({@code --mllp-*}).
     *
     * @param bindAddress local address to listen on ({@code 0.0.0.0} all IPv4 and IPv6 interfaces)
     * @param tlsCert PEM certificate chain, with {@code tlsKey}; null without TLS or with a key store
     * @param tlsKey PEM private key
     * @param tlsKeystore PKCS#12 key store, with {@code tlsKeystorePasswordFile}
     * @param tlsKeystorePasswordFile file holding the key store's password
     * @param tlsClientCa PEM CA bundle: client certificates required and checked against it
     * @param senders YAML file: which MSH-3/MSH-4 each client certificate may send for; null for any
     * @param allowCidrs sources that may connect; empty for any
     * @param maxConnections open connections; a new one evicts the one longest without a message
     * @param idleTimeout a connection without a byte between messages for this long is closed
     * @param readTimeout a message, once begun, must arrive (and its answer be written) within this
     * @param maxMessageBytes larger messages are read to their end and answered AE
     */
    public record Mllp(
            String bindAddress,
            Path tlsCert,
            Path tlsKey,
            Path tlsKeystore,
            Path tlsKeystorePasswordFile,
            Path tlsClientCa,
            Path senders,
            List<String> allowCidrs,
            int maxConnections,
            Duration idleTimeout,
            Duration readTimeout,
            int maxMessageBytes) {

        public Mllp {
            Objects.requireNonNull(bindAddress, "bindAddress");
            allowCidrs = List.copyOf(allowCidrs);
            Objects.requireNonNull(idleTimeout, "idleTimeout");
            Objects.requireNonNull(readTimeout, "readTimeout");
        }

        /** All interfaces, plain TCP, any source, 64 connections, 60 s idle, 30 s per message, 1 MiB. */
        public static Mllp defaults() {
            MllpListener.Settings d = MllpListener.Settings.defaults();
            return new Mllp(
                    "0.0.0.0",
                    null,
                    null,
                    null,
                    null,
                    null,
                    null,
                    List.of(),
                    d.maxConnections(),
                    d.idleTimeout(),
                    d.frameTimeout(),
                    d.maxFrameBytes());
        }

        public Mllp withBindAddress(String address) {
            return new Mllp(
                    address,
                    tlsCert,
                    tlsKey,
                    tlsKeystore,
                    tlsKeystorePasswordFile,
                    tlsClientCa,
                    senders,
                    allowCidrs,
                    maxConnections,
                    idleTimeout,
                    readTimeout,
                    maxMessageBytes);
        }

        /** The TLS files, or empty for plain TCP; a bad combination names the options. */
        Optional<TlsFiles> tlsFiles() {
            return TlsFiles.fromOptions(
                    "--mllp-tls", tlsCert, tlsKey, tlsKeystore, tlsKeystorePasswordFile, tlsClientCa);
        }

        /** The listener's settings, with the TLS context made from {@link #tlsFiles()} (or null). */
        MllpListener.Settings listener(ServerTls tls) {
            InetAddress address;
            try {
                address = InetAddress.getByName(bindAddress);
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("--mllp-bind-address: '" + bindAddress + "' is not an address");
            }
            if (maxConnections <= 0) {
                throw new IllegalArgumentException("--mllp-max-connections must be positive, was " + maxConnections);
            }
            if (maxMessageBytes <= 0) {
                throw new IllegalArgumentException("--mllp-max-message-bytes must be positive, was " + maxMessageBytes);
            }
            if (idleTimeout.isNegative() || idleTimeout.isZero()) {
                throw new IllegalArgumentException("--mllp-idle-timeout must be positive, was " + idleTimeout);
            }
            if (readTimeout.isNegative() || readTimeout.isZero()) {
                throw new IllegalArgumentException("--mllp-read-timeout must be positive, was " + readTimeout);
            }
            if (senders != null && tlsClientCa == null) {
                throw new IllegalArgumentException(
                        "--mllp-senders needs client certificates: give --mllp-tls-client-ca as well");
            }
            return MllpListener.Settings.defaults()
                    .withBindAddress(address)
                    .withMaxConnections(maxConnections)
                    .withIdleTimeout(idleTimeout)
                    .withFrameTimeout(readTimeout)
                    .withMaxFrameBytes(maxMessageBytes)
                    .withAllowedSources(SourceAllowlist.of(allowCidrs))
                    .withTls(tls, senders == null ? null : SenderPolicy.load(senders));
        }
    }

    private final InputPublisher publisher;
    private final MllpListener listener;
    private final ServerTls tls;

    private Hl7Ingest(InputPublisher publisher, MllpListener listener, ServerTls tls) {
        this.publisher = publisher;
        this.listener = listener;
        this.tls = tls;
    }

    /** Listens on {@code port} (0: any free port) and writes to {@code topics} of the cluster at {@code bootstrapServers}. */
    public static Hl7Ingest start(
            Settings settings,
            int port,
            ZoneId zone,
            String bootstrapServers,
            Map<String, String> clientProperties,
            Topics topics,
            AvroSerdes serdes,
            MeterRegistry meters) {
        return start(
                settings,
                port,
                zone,
                bootstrapServers,
                clientProperties,
                topics,
                serdes,
                meters,
                new DeadLetters(java.time.Clock.systemUTC()));
    }

    /** As above, with rejected messages dead-lettered by {@code letters} (sealed when it has a key). */
    public static Hl7Ingest start(
            Settings settings,
            int port,
            ZoneId zone,
            String bootstrapServers,
            Map<String, String> clientProperties,
            Topics topics,
            AvroSerdes serdes,
            MeterRegistry meters,
            DeadLetters letters) {
        // Options first: a wrong file or address fails before anything is started.
        Optional<TlsFiles> files = settings.mllp().tlsFiles();
        ServerTls tls =
                files.map(f -> ServerTls.load(f, ServerTls.DEFAULT_CHECK_EVERY)).orElse(null);
        InputPublisher publisher = null;
        try {
            MllpListener.Settings door = settings.mllp().listener(tls).withDefaultCharset(settings.defaultCharset());
            publisher = new InputPublisher(
                    settings.producerProperties(clientProperties), bootstrapServers, topics, serdes, letters);
            MllpListener listener = MllpListener.start(
                    port,
                    new DurableHl7Handler(settings.mapping(zone), publisher, settings.writeTimeout()),
                    meters,
                    door);
            return new Hl7Ingest(publisher, listener, tls);
        } catch (RuntimeException e) {
            if (publisher != null) {
                publisher.close();
            }
            if (tls != null) {
                tls.close();
            }
            throw e;
        }
    }

    /** As above, beside {@code pipeline}: its cluster, topics, registry, time zone and meters. */
    public static Hl7Ingest start(Settings settings, int port, Pipeline pipeline) {
        return start(
                settings,
                port,
                pipeline.config().protocol().zone(),
                pipeline.bootstrapServers(),
                pipeline.clientProperties(),
                pipeline.config().topics(),
                pipeline.serdes(),
                pipeline.meters(),
                DeadLetters.forTopology(pipeline.config()));
    }

    public int port() {
        return listener.port();
    }

    @Override
    public void close() {
        listener.close();
        publisher.close();
        if (tls != null) {
            tls.close();
        }
    }
}
