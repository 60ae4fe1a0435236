package org.biomarkerstreams.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.awaitility.Awaitility;
import org.biomarkerstreams.tls.TlsFixtures.Issued;
import org.biomarkerstreams.tls.TlsFixtures.KeyFormat;
import org.biomarkerstreams.tls.TlsFixtures.KeyType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {

    private static final Duration RARELY = Duration.ofHours(1);

    @TempDir
    Path dir;

    private TlsFixtures ca;
    private Path cert;
    private Path key;
    private final ExecutorService server = Executors.newCachedThreadPool();

    @BeforeEach
    void authority() throws Exception {
        ca = TlsFixtures.authority("tls test CA");
        cert = dir.resolve("tls.crt");
        key = dir.resolve("tls.key");
    }

    @AfterEach
    void stop() {
        server.shutdownNow();
    }

    @Test
    void shouldServeAPkcs1RsaKeyAsCertManagerWritesIt() throws Exception {
        Issued issued = ca.server("mllp.example", KeyType.RSA);
        TlsFixtures.writePem(issued, cert, key, KeyFormat.TRADITIONAL);
        assertThat(Files.readString(key)).startsWith("-----BEGIN RSA PRIVATE KEY-----");

        try (ServerTls tls = ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, null), RARELY)) {
            assertThat(handshake(tls, null)).isEqualTo(issued.serial());
        }
    }

    @Test
    void shouldServeAPkcs8Key() throws Exception {
        Issued issued = ca.server("mllp.example", KeyType.RSA);
        TlsFixtures.writePem(issued, cert, key, KeyFormat.PKCS8);
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");

        try (ServerTls tls = ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, null), RARELY)) {
            assertThat(handshake(tls, null)).isEqualTo(issued.serial());
        }
    }

    @Test
    void shouldServeASec1EcKey() throws Exception {
        Issued issued = ca.server("mllp.example", KeyType.EC);
        TlsFixtures.writePem(issued, cert, key, KeyFormat.TRADITIONAL);
        assertThat(Files.readString(key)).startsWith("-----BEGIN EC PRIVATE KEY-----");

        try (ServerTls tls = ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, null), RARELY)) {
            assertThat(handshake(tls, null)).isEqualTo(issued.serial());
        }
    }

    @Test
    void shouldServeAPkcs12KeyStore() throws Exception {
        Issued issued = ca.server("mllp.example", KeyType.EC);
        Path store = dir.resolve("tls.p12");
        Path password = dir.resolve("password");
        TlsFixtures.writePkcs12(issued, store, password, "s3cret-pass");

        try (ServerTls tls = ServerTls.load(TlsFiles.pkcs12("--mllp-tls", store, password, null), RARELY)) {
            assertThat(handshake(tls, null)).isEqualTo(issued.serial());
        }
    }

    @Test
    void shouldPresentTheNewCertificateWhenTheFilesRotate() throws Exception {
        Issued first = ca.server("mllp.example", KeyType.RSA);
        TlsFixtures.writePem(first, cert, key, KeyFormat.TRADITIONAL);
        try (ServerTls tls = ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, null), Duration.ofMillis(100))) {
            assertThat(handshake(tls, null)).isEqualTo(first.serial());

            Issued second = ca.server("mllp.example", KeyType.EC);
            TlsFixtures.writePem(second, cert, key, KeyFormat.TRADITIONAL);

            Awaitility.await("the poller picks up the rotated files")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> tls.certificate().getSerialNumber().equals(second.serial()));
            assertThat(handshake(tls, null)).isEqualTo(second.serial());
        }
    }

    @Test
    void shouldKeepTheOldCertificateWhenTheNewFilesAreBad() throws Exception {
        Issued first = ca.server("mllp.example", KeyType.EC);
        TlsFixtures.writePem(first, cert, key, KeyFormat.TRADITIONAL);
        try (ServerTls tls = ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, null), RARELY)) {
            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
            assertThat(tls.checkForChanges()).isFalse();
            assertThat(handshake(tls, null)).isEqualTo(first.serial());

            // a key from another certificate: cert-manager half-way through writing the Secret
            Issued other = ca.server("mllp.example", KeyType.EC);
            TlsFixtures.writePem(other, dir.resolve("other.crt"), key, KeyFormat.TRADITIONAL);
            assertThat(tls.checkForChanges()).isFalse();
            assertThat(handshake(tls, null)).isEqualTo(first.serial());

            Files.copy(dir.resolve("other.crt"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            assertThat(tls.checkForChanges()).isTrue();
            assertThat(handshake(tls, null)).isEqualTo(other.serial());
        }
    }

    @Test
    void shouldRequireAClientCertificateFromTheClientCa() throws Exception {
        TlsFixtures.writePem(ca.server("mllp.example", KeyType.EC), cert, key, KeyFormat.TRADITIONAL);
        TlsFixtures clientCa = TlsFixtures.authority("lab CA");
        Path bundle = clientCa.writeCaPem(dir.resolve("clients.pem"));
        TlsFixtures stranger = TlsFixtures.authority("stranger CA");

        try (ServerTls tls = ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, bundle), RARELY)) {
            assertThat(tls.clientAuth()).isEqualTo(ServerTls.ClientAuth.REQUIRED);
            Issued lab = clientCa.client("CN=lis.hospital.example,O=Hospital", null);
            assertThat(handshake(tls, lab)).isNotNull();
            assertThatThrownBy(() -> handshake(tls, null)).isInstanceOf(Exception.class);
            Issued forged = stranger.client("CN=lis.hospital.example,O=Hospital", null);
            assertThatThrownBy(() -> handshake(tls, forged)).isInstanceOf(Exception.class);
        }
    }

    @Test
    void shouldOfferOnlyTls13And12() throws Exception {
        TlsFixtures.writePem(ca.server("mllp.example", KeyType.EC), cert, key, KeyFormat.PKCS8);
        try (ServerTls tls = ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, null), RARELY);
                SSLServerSocket socket = tls.serverSocket(InetAddress.getLoopbackAddress(), 0, 1)) {
            assertThat(socket.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            SSLEngine engine = tls.sslContext().createSSLEngine();
            assertThat(engine.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
            assertThat(tls.sslContext().getDefaultSSLParameters().getProtocols())
                    .containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
        }
    }

    @Test
    void shouldRefuseAnEncryptedKeyNamingTheOption() throws Exception {
        Issued issued = ca.server("mllp.example", KeyType.RSA);
        TlsFixtures.writePem(issued, cert, key, KeyFormat.TRADITIONAL);
        // as `openssl rsa -aes128` writes it; the parser recognises it by its headers, before decrypting
        byte[] body = new byte[1200];
        new java.util.Random(7).nextBytes(body);
        Files.writeString(
                key,
                "-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\n"
                        + "DEK-Info: AES-128-CBC,0123456789ABCDEF0123456789ABCDEF\n\n"
                        + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                                .encodeToString(body)
                        + "\n-----END RSA PRIVATE KEY-----\n",
                StandardCharsets.US_ASCII);

        assertThatThrownBy(() -> ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, null), RARELY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("--mllp-tls-key: the private key is encrypted");
    }

    @Test
    void shouldNameTheOptionsWhenTheKeyIsNotTheCertificates() throws Exception {
        TlsFixtures.writePem(ca.server("a", KeyType.EC), cert, dir.resolve("unused.key"), KeyFormat.PKCS8);
        TlsFixtures.writePem(ca.server("b", KeyType.EC), dir.resolve("unused.crt"), key, KeyFormat.PKCS8);

        assertThatThrownBy(() -> ServerTls.load(TlsFiles.pem("--http-tls", cert, key, null), RARELY))
                .hasMessage(
                        "--http-tls-key: the private key does not belong to the first certificate in --http-tls-cert");
    }

    @Test
    void shouldNameTheOptionsOfAnIncompleteCombination() {
        assertThatThrownBy(() -> TlsFiles.fromOptions("--mllp-tls", cert, null, null, null, null))
                .hasMessage("--mllp-tls-cert and --mllp-tls-key go together");
        assertThatThrownBy(() -> TlsFiles.fromOptions("--mllp-tls", null, null, cert, null, null))
                .hasMessage("--mllp-tls-keystore and --mllp-tls-keystore-password-file go together");
        assertThatThrownBy(() -> TlsFiles.fromOptions("--mllp-tls", cert, key, cert, null, null))
                .hasMessageContaining("not both");
        assertThatThrownBy(() -> TlsFiles.fromOptions("--mllp-tls", null, null, null, null, cert))
                .hasMessageStartingWith("--mllp-tls-client-ca needs the server's own certificate");
        assertThat(TlsFiles.fromOptions("--mllp-tls", null, null, null, null, null))
                .isEmpty();
        assertThatThrownBy(() -> ServerTls.load(TlsFiles.pem("--mllp-tls", cert, key, null), RARELY))
                .hasMessageStartingWith("--mllp-tls-cert: ")
                .hasMessageEndingWith("is not a readable file");
    }

    /** One handshake on loopback; the serial of the certificate the client saw. */
    private BigInteger handshake(ServerTls tls, Issued clientIdentity) throws Exception {
        try (SSLServerSocket listening = tls.serverSocket(InetAddress.getLoopbackAddress(), 0, 1)) {
            Future<Void> accepted = server.submit(() -> {
                try (SSLSocket s = (SSLSocket) listening.accept()) {
                    s.setSoTimeout(5000);
                    s.startHandshake();
                    s.getOutputStream().write(42);
                    s.getOutputStream().flush();
                    s.getInputStream().read();
                }
                return null;
            });
            SSLContext client = ca.clientContext(clientIdentity);
            BigInteger serial;
            try (SSLSocket s = (SSLSocket) client.getSocketFactory()
                    .createSocket(InetAddress.getLoopbackAddress(), listening.getLocalPort())) {
                s.setSoTimeout(5000);
                s.startHandshake();
                // TLS 1.3 reports a refused client certificate only on the first read
                int answer = s.getInputStream().read();
                if (answer != 42) {
                    throw new java.io.IOException("the server closed the connection");
                }
                s.getOutputStream().write(1);
                s.getOutputStream().flush();
                serial = ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
            }
            // after the client closed: a TLS 1.3 server's close waits for the client's close_notify
            accepted.get(5, TimeUnit.SECONDS);
            return serial;
        }
    }
}
