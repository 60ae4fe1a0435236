package org.biomarkerstreams.tls;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Where a listener's TLS material lives: either a PEM certificate chain and a PEM private key (what cert-manager
 * writes: {@code tls.crt}, {@code tls.key}), or a PKCS#12 key store and a file holding its password; optionally a
 * PEM bundle of the CAs whose client certificates are accepted (then a client certificate is required).
 *
 * <p>Each listener names its own options ({@code --mllp-tls-cert}, {@code --http-tls-cert}, ...): {@code
 * optionPrefix} is the common part ({@code --mllp-tls}), and every message about a bad combination names the full
 * option. Messages name files, never their contents.
 *
 * @param optionPrefix the options' common prefix, e.g. {@code --mllp-tls}; suffixes are {@code -cert}, {@code -key},
 *     {@code -keystore}, {@code -keystore-password-file}, {@code -client-ca}
 * @param certificateChain PEM certificates, the server's own first; null with a key store
 * @param privateKey PEM private key (PKCS#8, PKCS#1 RSA or SEC1 EC, not encrypted); null with a key store
 * @param keyStore PKCS#12 key store holding one private key and its chain; null with PEM files
 * @param keyStorePassword a file whose first line is the key store's password; required with a key store
 * @param clientCa PEM bundle of CA certificates for client certificates; null for no client authentication
 */
public record TlsFiles(
        String optionPrefix,
        Path certificateChain,
        Path privateKey,
        Path keyStore,
        Path keyStorePassword,
        Path clientCa) {

    /** How the server's own key and certificate are stored. */
    public enum Form {
        PEM,
        PKCS12
    }

    public TlsFiles {
        Objects.requireNonNull(optionPrefix, "optionPrefix");
        boolean pem = certificateChain != null || privateKey != null;
        boolean pkcs12 = keyStore != null || keyStorePassword != null;
        if (pem && pkcs12) {
            throw new IllegalArgumentException("give either " + optionPrefix + "-cert and " + optionPrefix
                    + "-key (PEM) or " + optionPrefix + "-keystore and " + optionPrefix
                    + "-keystore-password-file (PKCS#12), not both");
        }
        if (!pem && !pkcs12) {
            throw new IllegalArgumentException(optionPrefix + "-client-ca needs the server's own certificate: "
                    + optionPrefix + "-cert and " + optionPrefix + "-key, or " + optionPrefix + "-keystore");
        }
        if (pem && (certificateChain == null || privateKey == null)) {
            throw new IllegalArgumentException(optionPrefix + "-cert and " + optionPrefix + "-key go together");
        }
        if (pkcs12 && (keyStore == null || keyStorePassword == null)) {
            throw new IllegalArgumentException(
                    optionPrefix + "-keystore and " + optionPrefix + "-keystore-password-file go together");
        }
    }

    /**
     * The files from a listener's options, or empty when none of them is given (plain TCP).
     *
     * @throws IllegalArgumentException for an incomplete or contradictory combination, naming the options
     */
    public static Optional<TlsFiles> fromOptions(
            String optionPrefix,
            Path certificateChain,
            Path privateKey,
            Path keyStore,
            Path keyStorePassword,
            Path clientCa) {
        if (certificateChain == null
                && privateKey == null
                && keyStore == null
                && keyStorePassword == null
                && clientCa == null) {
            return Optional.empty();
        }
        return Optional.of(
                new TlsFiles(optionPrefix, certificateChain, privateKey, keyStore, keyStorePassword, clientCa));
    }

    /** PEM files. */
    public static TlsFiles pem(String optionPrefix, Path certificateChain, Path privateKey, Path clientCa) {
        return new TlsFiles(optionPrefix, certificateChain, privateKey, null, null, clientCa);
    }

    /** A PKCS#12 key store. */
    public static TlsFiles pkcs12(String optionPrefix, Path keyStore, Path keyStorePassword, Path clientCa) {
        return new TlsFiles(optionPrefix, null, null, keyStore, keyStorePassword, clientCa);
    }

    public Form form() {
        return keyStore != null ? Form.PKCS12 : Form.PEM;
    }

    /** Whether clients must present a certificate signed by one of {@link #clientCa()}. */
    public boolean requiresClientCertificate() {
        return clientCa != null;
    }

    /** Every file, in a fixed order: what the reloader watches. */
    public List<Path> all() {
        List<Path> files = new ArrayList<>(3);
        if (form() == Form.PEM) {
            files.add(certificateChain);
            files.add(privateKey);
        } else {
            files.add(keyStore);
            files.add(keyStorePassword);
        }
        if (clientCa != null) {
            files.add(clientCa);
        }
        return files;
    }

    /**
     * Checks that every file exists and is readable, so start-up fails with the option's name rather than at the
     * first handshake.
     */
    public void requireReadable() {
        check(certificateChain, "-cert");
        check(privateKey, "-key");
        check(keyStore, "-keystore");
        check(keyStorePassword, "-keystore-password-file");
        check(clientCa, "-client-ca");
    }

    String option(String suffix) {
        return optionPrefix + suffix;
    }

    private void check(Path file, String suffix) {
        if (file != null && !(Files.isRegularFile(file) && Files.isReadable(file))) {
            throw new IllegalArgumentException(option(suffix) + ": " + file + " is not a readable file");
        }
    }
}
