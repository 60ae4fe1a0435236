package org.biomarkerstreams.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.util.io.pem.PemObject;

/**
 * A throw-away CA for TLS tests that writes what cert-manager and hospital PKIs hand out: PEM chains with PKCS#1
 * RSA, SEC1 EC or PKCS#8 keys, and PKCS#12 key stores; plus client-side contexts to connect with. Only the JDK's
 * providers sign and verify (BouncyCastle builds and writes the structures).
 */
public final class TlsFixtures {

    private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

    /** How a private key is written to PEM. */
    public enum KeyFormat {
        /** {@code BEGIN RSA PRIVATE KEY} or {@code BEGIN EC PRIVATE KEY}: the algorithm's own structure */
        TRADITIONAL,
        /** {@code BEGIN PRIVATE KEY} */
        PKCS8
    }

    /** A key algorithm for issued certificates. */
    public enum KeyType {
        RSA,
        EC
    }

    /** A key pair and its certificate, followed by the chain up to (and including) the CA. */
    public record Issued(KeyPair keys, X509Certificate certificate, X509Certificate ca) {
        public BigInteger serial() {
            return certificate.getSerialNumber();
        }
    }

    private final KeyPair caKeys;
    private final X509Certificate ca;

    private TlsFixtures(KeyPair caKeys, X509Certificate ca) {
        this.caKeys = caKeys;
        this.ca = ca;
    }

    public static TlsFixtures authority(String cn) throws Exception {
        KeyPair keys = keyPair(KeyType.EC);
        X500Name name = new X500Name("CN=" + cn);
        X509v3CertificateBuilder builder = builder(name, name, keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
        return new TlsFixtures(keys, sign(builder, keys.getPrivate()));
    }

    public X509Certificate certificate() {
        return ca;
    }

    /** A server certificate for {@code localhost} and {@code 127.0.0.1}. */
    public Issued server(String cn, KeyType type) throws Exception {
        return issue("CN=" + cn, type, true, null);
    }

    /** A client certificate with the subject {@code dn} and, if given, a DNS name. */
    public Issued client(String dn, String dnsName) throws Exception {
        return issue(dn, KeyType.EC, false, dnsName);
    }

    private Issued issue(String dn, KeyType type, boolean server, String dnsName) throws Exception {
        KeyPair keys = keyPair(type);
        X509v3CertificateBuilder builder = builder(
                // through the JDK's X500Principal: RFC 2253 order (BouncyCastle's parser keeps the string's)
                X500Name.getInstance(ca.getSubjectX500Principal().getEncoded()),
                X500Name.getInstance(new javax.security.auth.x500.X500Principal(dn).getEncoded()),
                keys.getPublic());
        builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
        int usage = type == KeyType.RSA
                ? KeyUsage.digitalSignature | KeyUsage.keyEncipherment
                : KeyUsage.digitalSignature | KeyUsage.keyAgreement;
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(usage));
        builder.addExtension(
                Extension.extendedKeyUsage,
                false,
                new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
        if (server) {
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")
            }));
        } else if (dnsName != null) {
            builder.addExtension(
                    Extension.subjectAlternativeName,
                    false,
                    new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName)));
        }
        return new Issued(keys, sign(builder, caKeys.getPrivate()), ca);
    }

    /** Writes the chain (certificate, CA) and the key as PEM. */
    public static void writePem(Issued issued, Path chain, Path key, KeyFormat format) throws IOException {
        writeAtomically(chain, pem(issued.certificate(), issued.ca()));
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            if (format == KeyFormat.PKCS8) {
                writer.writeObject(new JcaPKCS8Generator(issued.keys().getPrivate(), null));
            } else if (issued.keys().getPrivate().getAlgorithm().equals("EC")) {
                writer.writeObject(sec1(issued.keys()));
            } else {
                writer.writeObject(issued.keys().getPrivate());
            }
        }
        writeAtomically(key, text.toString());
    }

    /**
     * SEC1 as openssl and cert-manager write it, with the curve and the public key inside (BouncyCastle's writer
     * leaves the curve out of a JDK key).
     */
    private static PemObject sec1(KeyPair keys) throws IOException {
        PrivateKeyInfo info = PrivateKeyInfo.getInstance(keys.getPrivate().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey inner =
                org.bouncycastle.asn1.sec.ECPrivateKey.getInstance(info.parsePrivateKey());
        SubjectPublicKeyInfo publicKey =
                SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded());
        org.bouncycastle.asn1.sec.ECPrivateKey full = new org.bouncycastle.asn1.sec.ECPrivateKey(
                256,
                inner.getKey(),
                publicKey.getPublicKeyData(),
                info.getPrivateKeyAlgorithm().getParameters());
        return new PemObject("EC PRIVATE KEY", full.getEncoded());
    }

    /** Writes a PKCS#12 key store with the key and chain, and its password file. */
    public static void writePkcs12(Issued issued, Path store, Path passwordFile, String password) throws Exception {
        KeyStore keyStore = KeyStore.getInstance("PKCS12");
        keyStore.load(null, null);
        keyStore.setKeyEntry("key", issued.keys().getPrivate(), password.toCharArray(), new Certificate[] {
            issued.certificate(), issued.ca()
        });
        Path tmp = store.resolveSibling(store.getFileName() + ".tmp");
        try (OutputStream out = Files.newOutputStream(tmp)) {
            keyStore.store(out, password.toCharArray());
        }
        Files.move(tmp, store, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        Files.writeString(passwordFile, password + "\n", StandardCharsets.UTF_8);
    }

    /** Writes this CA's certificate as a PEM bundle. */
    public Path writeCaPem(Path file) throws IOException {
        writeAtomically(file, pem(ca));
        return file;
    }

    /** A client context that trusts this CA and, if {@code identity} is given, presents it. */
    public SSLContext clientContext(Issued identity) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(trust);
        KeyManagerFactory kmf = null;
        if (identity != null) {
            KeyStore keys = KeyStore.getInstance("PKCS12");
            keys.load(null, null);
            keys.setKeyEntry("client", identity.keys().getPrivate(), "p".toCharArray(), new Certificate[] {
                identity.certificate(), identity.ca()
            });
            kmf = KeyManagerFactory.getInstance("PKIX");
            kmf.init(keys, "p".toCharArray());
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
        return context;
    }

    private static String pem(Object... objects) throws IOException {
        StringWriter text = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(text)) {
            for (Object o : objects) {
                writer.writeObject(o);
            }
        }
        return text.toString();
    }

    /** As cert-manager's kubelet does: the new file appears whole. */
    private static void writeAtomically(Path file, String content) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.US_ASCII)) {
            w.write(content);
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, PublicKey key) {
        Instant now = Instant.now();
        return new JcaX509v3CertificateBuilder(
                issuer,
                BigInteger.valueOf(SERIAL.incrementAndGet()),
                Date.from(now.minus(Duration.ofHours(1))),
                Date.from(now.plus(Duration.ofDays(2))),
                subject,
                key);
    }

    private static X509Certificate sign(X509v3CertificateBuilder builder, java.security.PrivateKey issuerKey)
            throws Exception {
        return new JcaX509CertificateConverter()
                .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
    }

    private static KeyPair keyPair(KeyType type) throws GeneralSecurityException {
        if (type == KeyType.RSA) {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(new ECGenParameterSpec("secp256r1"));
        return generator.generateKeyPair();
    }
}
