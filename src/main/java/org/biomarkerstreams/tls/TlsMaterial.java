package org.biomarkerstreams.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.openssl.PEMEncryptedKeyPair;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.pkcs.PKCS8EncryptedPrivateKeyInfo;

/**
 * One generation of a listener's TLS material, read from {@link TlsFiles}: the key manager for its own
 * certificate, the trust manager for client certificates (if any), and a hash of the files it came from.
 *
 * <p>PEM goes through BouncyCastle's {@link PEMParser} and the JCA converters with the JDK's own providers: the
 * shaded jar drops BouncyCastle's signatures, so BouncyCastle can parse but never be a JCE provider here.
 */
record TlsMaterial(
        X509ExtendedKeyManager keys, X509ExtendedTrustManager clients, X509Certificate certificate, byte[] hash) {

    /** The file contents, read once, so that what is hashed is what is parsed. */
    record Contents(Map<Path, byte[]> bytes, byte[] hash) {

        static Contents read(TlsFiles files) throws IOException {
            Map<Path, byte[]> bytes = new LinkedHashMap<>();
            MessageDigest sha256 = sha256();
            for (Path file : files.all()) {
                byte[] content = Files.readAllBytes(file);
                bytes.put(file, content);
                sha256.update(file.toString().getBytes(StandardCharsets.UTF_8));
                sha256.update((byte) 0);
                sha256.update(content);
                sha256.update((byte) 0);
            }
            return new Contents(bytes, sha256.digest());
        }

        byte[] of(Path file) {
            return bytes.get(file);
        }
    }

    /**
     * Reads and checks the material.
     *
     * @throws IllegalArgumentException naming the option whose file is wrong (never quoting the file)
     */
    static TlsMaterial read(TlsFiles files, Contents contents) {
        List<X509Certificate> chain;
        PrivateKey key;
        if (files.form() == TlsFiles.Form.PEM) {
            chain = certificates(contents.of(files.certificateChain()), files.option("-cert"));
            key = privateKey(contents.of(files.privateKey()), files.option("-key"));
            requireMatch(key, chain.get(0).getPublicKey(), files.option("-key"), files.option("-cert"));
        } else {
            char[] password = password(contents.of(files.keyStorePassword()), files.option("-keystore-password-file"));
            KeyStore store = pkcs12(contents.of(files.keyStore()), password, files.option("-keystore"));
            Map.Entry<PrivateKey, List<X509Certificate>> entry = keyEntry(store, password, files.option("-keystore"));
            key = entry.getKey();
            chain = entry.getValue();
        }
        X509ExtendedTrustManager clients = files.clientCa() == null
                ? null
                : trustManager(
                        certificates(contents.of(files.clientCa()), files.option("-client-ca")),
                        files.option("-client-ca"));
        return new TlsMaterial(keyManager(key, chain), clients, chain.get(0), contents.hash());
    }

    static List<X509Certificate> certificates(byte[] pem, String option) {
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        List<X509Certificate> certificates = new ArrayList<>();
        try (PEMParser parser = parser(pem)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof X509CertificateHolder holder) {
                    certificates.add(converter.getCertificate(holder));
                }
            }
        } catch (IOException | CertificateException | RuntimeException e) {
            throw new IllegalArgumentException(option + ": not a readable PEM certificate file (" + reason(e) + ")");
        }
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException(
                    option + ": no PEM certificate (-----BEGIN CERTIFICATE-----) in the file");
        }
        return certificates;
    }

    static PrivateKey privateKey(byte[] pem, String option) {
        JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
        try (PEMParser parser = parser(pem)) {
            Object o;
            while ((o = parser.readObject()) != null) {
                if (o instanceof PEMKeyPair pair) {
                    // PKCS#1 "RSA PRIVATE KEY" (cert-manager's default) and SEC1 "EC PRIVATE KEY"; the private
                    // part alone, because SEC1 may omit the public key
                    return converter.getPrivateKey(pair.getPrivateKeyInfo());
                }
                if (o instanceof PrivateKeyInfo info) {
                    return converter.getPrivateKey(info);
                }
                if (o instanceof PEMEncryptedKeyPair || o instanceof PKCS8EncryptedPrivateKeyInfo) {
                    throw new IllegalArgumentException(option
                            + ": the private key is encrypted; give an unencrypted key (a Kubernetes Secret"
                            + " protects it at rest) or a PKCS#12 key store with a password file");
                }
                // EC PARAMETERS blocks and certificates in the same file are skipped
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof IllegalArgumentException i && i.getMessage().startsWith(option)) {
                throw i;
            }
            throw new IllegalArgumentException(option + ": not a readable PEM private key (" + reason(e) + ")");
        }
        throw new IllegalArgumentException(
                option
                        + ": no PEM private key (BEGIN PRIVATE KEY, BEGIN RSA PRIVATE KEY or BEGIN EC PRIVATE KEY) in the file");
    }

    private static void requireMatch(PrivateKey key, PublicKey publicKey, String keyOption, String certOption) {
        String algorithm =
                switch (publicKey.getAlgorithm()) {
                    case "RSA" -> "SHA256withRSA";
                    case "EC" -> "SHA256withECDSA";
                    case "Ed25519", "EdDSA" -> "Ed25519";
                    default -> null;
                };
        if (algorithm == null) {
            return; // the handshake will tell
        }
        boolean matches;
        try {
            byte[] challenge = new byte[32];
            new SecureRandom().nextBytes(challenge);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(publicKey);
            verifier.update(challenge);
            matches = verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            matches = false;
        }
        if (!matches) {
            throw new IllegalArgumentException(
                    keyOption + ": the private key does not belong to the first certificate in " + certOption);
        }
    }

    private static char[] password(byte[] file, String option) {
        String text = new String(file, StandardCharsets.UTF_8);
        int newline = text.indexOf('\n');
        String line = newline < 0 ? text : text.substring(0, newline);
        if (line.endsWith("\r")) {
            line = line.substring(0, line.length() - 1);
        }
        if (line.isEmpty()) {
            throw new IllegalArgumentException(option + ": the password file is empty");
        }
        return line.toCharArray();
    }

    private static KeyStore pkcs12(byte[] bytes, char[] password, String option) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(new ByteArrayInputStream(bytes), password);
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    option + ": not a PKCS#12 key store, or the password does not open it (" + reason(e) + ")");
        }
    }

    private static Map.Entry<PrivateKey, List<X509Certificate>> keyEntry(
            KeyStore store, char[] password, String option) {
        try {
            for (String alias : Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias) && store.getKey(alias, password) instanceof PrivateKey key) {
                    List<X509Certificate> chain = new ArrayList<>();
                    Certificate[] certificates = store.getCertificateChain(alias);
                    for (Certificate c : certificates == null ? new Certificate[0] : certificates) {
                        chain.add((X509Certificate) c);
                    }
                    if (chain.isEmpty()) {
                        throw new IllegalArgumentException(option + ": the private key has no certificate chain");
                    }
                    return Map.entry(key, chain);
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(option + ": cannot read the private key (" + reason(e) + ")");
        }
        throw new IllegalArgumentException(option + ": no private key entry in the key store");
    }

    private static X509ExtendedKeyManager keyManager(PrivateKey key, List<X509Certificate> chain) {
        try {
            char[] entryPassword = "in-memory".toCharArray();
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry("server", key, entryPassword, chain.toArray(new X509Certificate[0]));
            // PKIX (NewSunX509): picks the certificate whose key type and validity fit the handshake
            KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
            factory.init(store, entryPassword);
            for (KeyManager m : factory.getKeyManagers()) {
                if (m instanceof X509ExtendedKeyManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedKeyManager");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build a key manager: " + reason(e), e);
        }
    }

    private static X509ExtendedTrustManager trustManager(List<X509Certificate> cas, String option) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            for (int i = 0; i < cas.size(); i++) {
                store.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
            factory.init(store);
            for (TrustManager m : factory.getTrustManagers()) {
                if (m instanceof X509ExtendedTrustManager x) {
                    return x;
                }
            }
            throw new IllegalStateException("the JDK offers no X509ExtendedTrustManager");
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(option + ": cannot trust these certificates (" + reason(e) + ")");
        }
    }

    private static PEMParser parser(byte[] pem) {
        Reader reader = new InputStreamReader(new ByteArrayInputStream(pem), StandardCharsets.US_ASCII);
        return new PEMParser(reader);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** An exception's class and message: parsers' messages name structures, not key bytes. */
    private static String reason(Exception e) {
        String message = e.getMessage();
        return e.getClass().getSimpleName() + (message == null ? "" : ": " + truncate(message));
    }

    private static String truncate(String message) {
        return message.length() > 160 ? message.substring(0, 160) + "..." : message;
    }
}
