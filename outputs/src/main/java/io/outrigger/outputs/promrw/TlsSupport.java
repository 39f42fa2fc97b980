package io.outrigger.outputs.promrw;

import io.outrigger.core.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.Collection;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds the SSL context a {@link TlsConfig} describes: PEM CA bundle, PEM client certificate and PKCS#8 key. */
final class TlsSupport {

    /** What OkHttp needs; {@code null} fields mean the JDK defaults. */
    record Tls(SSLContext context, X509TrustManager trustManager, boolean skipHostnameVerification) {}

    private TlsSupport() {}

    /** Null when the config asks for nothing beyond the JDK's defaults. */
    static Tls build(TlsConfig c) throws IOException, GeneralSecurityException {
        if (c.caFile() == null && c.certFile() == null && !c.insecureSkipVerify()) return null;
        X509TrustManager tm;
        if (c.insecureSkipVerify()) {
            tm = new TrustAll();
        } else {
            KeyStore trust = null;
            if (c.caFile() != null) {
                trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate cert : readCertificates(c.caFile())) trust.setCertificateEntry("ca-" + i++, cert);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            tm = (X509TrustManager) tmf.getTrustManagers()[0];
        }
        KeyManager[] kms = null;
        if (c.certFile() != null && c.keyFile() != null) {
            Collection<? extends Certificate> chain = readCertificates(c.certFile());
            PrivateKey key = readPrivateKey(c.keyFile());
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("client", key, pw, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            kms = kmf.getKeyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kms, new TrustManager[] {tm}, null);
        return new Tls(ctx, tm, c.insecureSkipVerify());
    }

    static Collection<? extends Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certs.isEmpty()) throw new GeneralSecurityException("no PEM certificate in " + file);
            return certs;
        }
    }

    static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        if (pem.contains("BEGIN RSA PRIVATE KEY") || pem.contains("BEGIN EC PRIVATE KEY") || pem.contains("BEGIN ENCRYPTED PRIVATE KEY")) {
            throw new GeneralSecurityException(file + " is not an unencrypted PKCS#8 key; convert it with: "
                    + "openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pem");
        }
        int b = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int e = pem.indexOf("-----END PRIVATE KEY-----");
        if (b < 0 || e < b) throw new GeneralSecurityException("no \"BEGIN PRIVATE KEY\" PEM block in " + file);
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(b + "-----BEGIN PRIVATE KEY-----".length(), e));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String alg : new String[] {"RSA", "EC", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new GeneralSecurityException("unsupported private key in " + file + " (expected RSA, EC or Ed25519 PKCS#8)");
    }

    /** For {@code insecure_skip_verify: true} only. */
    private static final class TrustAll implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
