package org.passkvm.web.tls;

import java.io.IOException;
import java.io.Reader;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.passkvm.files.DataFiles;
import org.tinylog.Logger;

/**
 * The HTTPS certificate: {@code cert.pem} (the chain, leaf first) and {@code key.pem} in a
 * directory. When neither exists, a self-signed P-256 certificate for this device is created,
 * so no two devices share a key. A user replaces both files with their own to use a real one.
 */
public final class DeviceCertificate {

    public static final char[] STORE_PASSWORD = "passkvm".toCharArray();

    private final List<X509Certificate> chain;
    private final PrivateKey key;

    private DeviceCertificate(List<X509Certificate> chain, PrivateKey key) {
        this.chain = chain;
        this.key = key;
    }

    public static DeviceCertificate loadOrCreate(Path certFile, Path keyFile, String hostname) throws IOException {
        if (!Files.exists(certFile) && !Files.exists(keyFile)) {
            create(certFile, keyFile, hostname);
        }
        return load(certFile, keyFile);
    }

    public static DeviceCertificate load(Path certFile, Path keyFile) throws IOException {
        List<X509Certificate> chain = new ArrayList<>();
        JcaX509CertificateConverter converter = new JcaX509CertificateConverter();
        try (Reader r = Files.newBufferedReader(certFile); PEMParser parser = new PEMParser(r)) {
            for (Object o = parser.readObject(); o != null; o = parser.readObject()) {
                if (o instanceof X509CertificateHolder holder) {
                    chain.add(converter.getCertificate(holder));
                }
            }
        } catch (GeneralSecurityException e) {
            throw new IOException(certFile + ": not a valid certificate: " + e.getMessage(), e);
        }
        if (chain.isEmpty()) {
            throw new IOException(certFile + ": no certificate in it");
        }
        PrivateKey key;
        try (Reader r = Files.newBufferedReader(keyFile); PEMParser parser = new PEMParser(r)) {
            Object o = parser.readObject();
            JcaPEMKeyConverter keys = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                key = keys.getPrivateKey(pair.getPrivateKeyInfo());
            } else if (o instanceof PrivateKeyInfo info) {
                key = keys.getPrivateKey(info);
            } else {
                throw new IOException(keyFile + ": no unencrypted private key in it");
            }
        }
        return new DeviceCertificate(chain, key);
    }

    public KeyStore keyStore() {
        try {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("passkvm", key, STORE_PASSWORD, chain.toArray(new X509Certificate[0]));
            return ks;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalStateException("cannot build the TLS key store: " + e.getMessage(), e);
        }
    }

    public X509Certificate leaf() {
        return chain.get(0);
    }

    private static void create(Path certFile, Path keyFile, String hostname) throws IOException {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair pair = generator.generateKeyPair();
            X500Name subject = new X500Name("CN=" + hostname + ",O=PassKVM");
            Instant now = Instant.now();
            JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject,
                    new BigInteger(128, new SecureRandom()), Date.from(now.minus(Duration.ofDays(1))),
                    Date.from(now.plus(Duration.ofDays(3650))), subject, pair.getPublic());
            builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
            builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(KeyPurposeId.id_kp_serverAuth));
            builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
                new GeneralName(GeneralName.dNSName, hostname),
                new GeneralName(GeneralName.dNSName, hostname + ".local"),
                new GeneralName(GeneralName.dNSName, "localhost"),
                new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
                new GeneralName(GeneralName.iPAddress, InetAddress.getByName("::1").getHostAddress()),
            }));
            X509Certificate cert = new JcaX509CertificateConverter()
                    .getCertificate(builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(pair.getPrivate())));
            DataFiles.writeSecret(keyFile, pem(new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(pair.getPrivate(), null)));
            DataFiles.writeAtomically(certFile, pem(cert));
            Logger.info("Created this device's TLS certificate {} (SHA-256 {})", certFile, fingerprint(cert));
        } catch (GeneralSecurityException | OperatorCreationException e) {
            throw new IOException("cannot create the TLS certificate: " + e.getMessage(), e);
        }
    }

    public static String fingerprint(X509Certificate cert) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
            return java.util.HexFormat.ofDelimiter(":").withUpperCase().formatHex(d);
        } catch (GeneralSecurityException e) {
            return "?";
        }
    }

    private static byte[] pem(Object o) throws IOException {
        StringWriter sw = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(sw)) {
            w.writeObject(o);
        }
        return sw.toString().getBytes(StandardCharsets.US_ASCII);
    }
}
