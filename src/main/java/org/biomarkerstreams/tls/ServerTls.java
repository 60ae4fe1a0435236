package org.biomarkerstreams.tls;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.GeneralSecurityException;
import java.security.KeyManagementException;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A listener's server-side TLS: an {@link SSLContext} whose certificate (and client-CA bundle) follow the files
 * as cert-manager rotates them, without rebuilding the listener. Shared by the HTTP server and the MLLP listener.
 *
 * <ul>
 *   <li>TLS 1.3 and 1.2 only: every server socket and engine made from {@link #sslContext()} is restricted to
 *       {@link #PROTOCOLS}, and requires a client certificate when {@link #clientAuth()} is {@code REQUIRED}.
 *   <li>Every {@code checkEvery} the files are read and hashed; when the hash changes the new material is parsed
 *       and checked (key matches certificate), then swapped in for new handshakes. Open connections keep their
 *       session. The modification time alone is not enough: Kubernetes swaps a Secret's files with a symlink, and
 *       two writes within one timestamp tick look the same; the files are a few kilobytes.
 *   <li>A new file that does not parse (cert-manager mid-write, a wrong key) keeps the previous material: one WARN
 *       per bad content, an INFO with the new certificate's subject and expiry once a good one arrives.
 * </ul>
 */
public final class ServerTls implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

    /** The protocols offered; older ones are not. */
    public static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    /** How often the files are checked unless a caller says otherwise. */
    public static final Duration DEFAULT_CHECK_EVERY = Duration.ofSeconds(30);

    /** Whether clients must present a certificate. */
    public enum ClientAuth {
        NONE,
        REQUIRED
    }

    private final TlsFiles files;
    private final ReloadingKeyManager keys;
    private final ReloadingTrustManager clients;
    private final SSLContext context;
    private final ScheduledExecutorService poller;
    private volatile TlsMaterial current;
    private byte[] lastBadHash;

    private ServerTls(TlsFiles files, TlsMaterial first, Duration checkEvery) {
        this.files = files;
        this.current = first;
        this.keys = new ReloadingKeyManager(first.keys());
        this.clients = first.clients() == null ? null : new ReloadingTrustManager(first.clients());
        this.context = restricted(keys, clients, parameters());
        this.poller = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "tls-reload" + files.optionPrefix().replaceFirst("^-*", "-"));
            t.setDaemon(true);
            return t;
        });
        long millis = Math.max(1, checkEvery.toMillis());
        poller.scheduleWithFixedDelay(this::checkQuietly, millis, millis, TimeUnit.MILLISECONDS);
    }

    /**
     * Reads the files and starts watching them.
     *
     * @param checkEvery how often to look for new files ({@link #DEFAULT_CHECK_EVERY} in production)
     * @throws IllegalArgumentException when a file is missing or wrong, naming its option
     */
    public static ServerTls load(TlsFiles files, Duration checkEvery) {
        Objects.requireNonNull(files, "files");
        if (checkEvery.isNegative() || checkEvery.isZero()) {
            throw new IllegalArgumentException("checkEvery must be positive, was " + checkEvery);
        }
        files.requireReadable();
        TlsMaterial first;
        try {
            first = TlsMaterial.read(files, TlsMaterial.Contents.read(files));
        } catch (IOException e) {
            throw new IllegalArgumentException(files.optionPrefix() + ": cannot read " + e.getMessage());
        }
        ServerTls tls = new ServerTls(files, first, checkEvery);
        log.info(
                "TLS for {}: certificate {} valid until {}, client certificates {}; files checked every {}",
                files.optionPrefix(),
                first.certificate().getSubjectX500Principal().getName(),
                first.certificate().getNotAfter().toInstant(),
                tls.clientAuth() == ClientAuth.REQUIRED ? "required" : "not requested",
                checkEvery);
        warnIfExpired(first.certificate(), files.optionPrefix());
        return tls;
    }

    /** The context for server sockets and engines; restricted to {@link #PROTOCOLS} and {@link #clientAuth()}. */
    public SSLContext sslContext() {
        return context;
    }

    public ClientAuth clientAuth() {
        return clients == null ? ClientAuth.NONE : ClientAuth.REQUIRED;
    }

    /** The parameters every socket and engine of {@link #sslContext()} gets, for servers that set their own. */
    public SSLParameters parameters() {
        SSLParameters parameters = new SSLParameters();
        parameters.setProtocols(PROTOCOLS.clone());
        if (clients != null) {
            parameters.setNeedClientAuth(true);
        } else {
            parameters.setWantClientAuth(false);
        }
        return parameters;
    }

    /** The certificate new handshakes present. */
    public X509Certificate certificate() {
        return current.certificate();
    }

    /** A server socket bound to {@code address:port} (port 0 for a free one). */
    public SSLServerSocket serverSocket(InetAddress address, int port, int backlog) throws IOException {
        return (SSLServerSocket) context.getServerSocketFactory().createServerSocket(port, backlog, address);
    }

    /**
     * Wraps a connection accepted on a plain {@link ServerSocket} for a server-side handshake (started by the first
     * read or {@link SSLSocket#startHandshake()}). Closing {@code accepted} from another thread ends a handshake that
     * hangs, which is how a listener bounds handshake time; closing the returned socket closes {@code accepted}.
     */
    public SSLSocket wrap(Socket accepted) throws IOException {
        SSLSocket socket = (SSLSocket) context.getSocketFactory()
                .createSocket(accepted, accepted.getInetAddress().getHostAddress(), accepted.getPort(), true);
        socket.setUseClientMode(false);
        socket.setSSLParameters(parameters());
        return socket;
    }

    /**
     * Looks at the files now (the poller does this every {@code checkEvery}) and swaps in new material if it
     * changed and is good.
     *
     * @return whether new material was loaded
     */
    public synchronized boolean checkForChanges() {
        TlsMaterial.Contents contents;
        try {
            contents = TlsMaterial.Contents.read(files);
        } catch (IOException e) {
            warnOnce(new byte[] {1}, "cannot read " + e.getMessage());
            return false;
        }
        if (Arrays.equals(contents.hash(), current.hash())) {
            lastBadHash = null;
            return false;
        }
        TlsMaterial next;
        try {
            next = TlsMaterial.read(files, contents);
        } catch (RuntimeException e) {
            warnOnce(contents.hash(), e.getMessage());
            return false;
        }
        keys.replace(next.keys());
        if (clients != null) {
            clients.replace(next.clients());
        }
        current = next;
        lastBadHash = null;
        log.info(
                "TLS for {} reloaded: certificate {} serial {} valid until {}",
                files.optionPrefix(),
                next.certificate().getSubjectX500Principal().getName(),
                next.certificate().getSerialNumber().toString(16),
                next.certificate().getNotAfter().toInstant());
        warnIfExpired(next.certificate(), files.optionPrefix());
        return true;
    }

    private void checkQuietly() {
        try {
            checkForChanges();
        } catch (RuntimeException e) {
            log.warn(
                    "TLS for {}: checking the files failed: {}",
                    files.optionPrefix(),
                    e.getClass().getName());
        }
    }

    private void warnOnce(byte[] badHash, String reason) {
        if (Arrays.equals(badHash, lastBadHash)) {
            return;
        }
        lastBadHash = badHash;
        log.warn(
                "TLS for {}: the changed files are not usable, keeping the certificate valid until {}: {}",
                files.optionPrefix(),
                current.certificate().getNotAfter().toInstant(),
                reason);
    }

    private static void warnIfExpired(X509Certificate certificate, String optionPrefix) {
        Instant now = Instant.now();
        if (certificate.getNotAfter().toInstant().isBefore(now)
                || certificate.getNotBefore().toInstant().isAfter(now)) {
            log.warn(
                    "TLS for {}: certificate {} is not valid now (valid {} to {}); clients will refuse it",
                    optionPrefix,
                    certificate.getSubjectX500Principal().getName(),
                    certificate.getNotBefore().toInstant(),
                    certificate.getNotAfter().toInstant());
        }
    }

    /** Stops watching the files; the context keeps working with the last material. */
    @Override
    public void close() {
        poller.shutdownNow();
    }

    @Override
    public String toString() {
        return "ServerTls[" + files.optionPrefix() + ", serial "
                + HexFormat.of()
                        .formatHex(current.certificate().getSerialNumber().toByteArray()) + "]";
    }

    private static SSLContext restricted(
            ReloadingKeyManager keys, ReloadingTrustManager clients, SSLParameters parameters) {
        SSLContext real;
        try {
            real = SSLContext.getInstance("TLS");
            real.init(
                    new KeyManager[] {keys}, clients == null ? null : new TrustManager[] {clients}, new SecureRandom());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make a TLS context", e);
        }
        return new SSLContext(new RestrictedSpi(real, parameters), real.getProvider(), real.getProtocol()) {};
    }

    /** The JDK's context, with {@link #parameters()} applied to everything it makes. */
    private static final class RestrictedSpi extends SSLContextSpi {
        private final SSLContext real;
        private final SSLParameters parameters;

        RestrictedSpi(SSLContext real, SSLParameters parameters) {
            this.real = real;
            this.parameters = parameters;
        }

        @Override
        protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
            throw new KeyManagementException("this context is already initialized");
        }

        @Override
        protected SSLSocketFactory engineGetSocketFactory() {
            return real.getSocketFactory();
        }

        @Override
        protected SSLServerSocketFactory engineGetServerSocketFactory() {
            return new RestrictedServerSocketFactory(real.getServerSocketFactory(), parameters);
        }

        @Override
        protected SSLEngine engineCreateSSLEngine() {
            SSLEngine engine = real.createSSLEngine();
            engine.setSSLParameters(parameters);
            return engine;
        }

        @Override
        protected SSLEngine engineCreateSSLEngine(String host, int port) {
            SSLEngine engine = real.createSSLEngine(host, port);
            engine.setSSLParameters(parameters);
            return engine;
        }

        @Override
        protected SSLSessionContext engineGetServerSessionContext() {
            return real.getServerSessionContext();
        }

        @Override
        protected SSLSessionContext engineGetClientSessionContext() {
            return real.getClientSessionContext();
        }

        @Override
        protected SSLParameters engineGetDefaultSSLParameters() {
            // The real defaults, cipher suites included (Jetty selects from them; null would fail it), restricted.
            SSLParameters defaults = real.getDefaultSSLParameters();
            defaults.setProtocols(parameters.getProtocols());
            defaults.setNeedClientAuth(parameters.getNeedClientAuth());
            return defaults;
        }

        @Override
        protected SSLParameters engineGetSupportedSSLParameters() {
            return real.getSupportedSSLParameters();
        }
    }

    private static final class RestrictedServerSocketFactory extends SSLServerSocketFactory {
        private final SSLServerSocketFactory real;
        private final SSLParameters parameters;

        RestrictedServerSocketFactory(SSLServerSocketFactory real, SSLParameters parameters) {
            this.real = real;
            this.parameters = parameters;
        }

        private ServerSocket restrict(ServerSocket socket) {
            ((SSLServerSocket) socket).setSSLParameters(parameters);
            return socket;
        }

        @Override
        public ServerSocket createServerSocket() throws IOException {
            return restrict(real.createServerSocket());
        }

        @Override
        public ServerSocket createServerSocket(int port) throws IOException {
            return restrict(real.createServerSocket(port));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog) throws IOException {
            return restrict(real.createServerSocket(port, backlog));
        }

        @Override
        public ServerSocket createServerSocket(int port, int backlog, InetAddress address) throws IOException {
            return restrict(real.createServerSocket(port, backlog, address));
        }

        @Override
        public String[] getDefaultCipherSuites() {
            return real.getDefaultCipherSuites();
        }

        @Override
        public String[] getSupportedCipherSuites() {
            return real.getSupportedCipherSuites();
        }
    }
}
