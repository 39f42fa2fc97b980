package io.outrigger.outputs.common;

import io.outrigger.core.config.TlsConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * TLS material for the HTTP outputs, from the core {@link TlsConfig}: {@code ca_file} (PEM bundle; replaces the JDK's
 * trusted roots), {@code cert_file} + {@code key_file} (PEM client certificate chain and key; the key unencrypted
 * PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"), and {@code insecure_skip_verify} (trusts any certificate and
 * host name: for tests only). Optionally a SHA-256 CA fingerprint instead of a CA file (Elasticsearch's
 * {@code ca_fingerprint}).
 *
 * <p>Every failure is an {@link IOException} (a file cannot be read) or a {@link GeneralSecurityException} whose
 * message names the config key and the file and says what to fix.
 */
public final class PemTls {

    /**
     * What an HTTP client needs: the context (Elasticsearch's Rest5Client), its socket factory and trust manager
     * (OkHttp's {@code sslSocketFactory(factory, trustManager)}), and whether host names go unchecked.
     */
    public record Material(SSLContext context, X509TrustManager trustManager, boolean skipHostnameVerification) {
        public SSLSocketFactory socketFactory() { return context.getSocketFactory(); }
    }

    private static final String PKCS8_BEGIN = "-----BEGIN PRIVATE KEY-----";
    private static final String PKCS8_END = "-----END PRIVATE KEY-----";
    private static final String PKCS1_BEGIN = "-----BEGIN RSA PRIVATE KEY-----";
    private static final String PKCS1_END = "-----END RSA PRIVATE KEY-----";

    private PemTls() {}

    /** Null when the config asks for nothing beyond the JDK's defaults. */
    public static Material build(TlsConfig cfg) throws IOException, GeneralSecurityException {
        return build(cfg, cfg.caFingerprint());
    }

    /**
     * As {@link #build(TlsConfig)} when an output is created (its config already validated): a failure, such as
     * a file changed since, becomes an {@link IllegalArgumentException} naming {@code outputs.<output>.tls}.
     */
    public static Material load(TlsConfig cfg, String output) {
        try {
            return build(cfg);
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("outputs." + output + ".tls cannot be loaded: " + e.getMessage(), e);
        }
    }

    /**
     * As {@link #build(TlsConfig)}, trusting a server whose chain validates up to the certificate with the given
     * SHA-256 fingerprint (any form {@link #normalizeFingerprint} accepts), as the only trust anchor, instead of a
     * CA file when it is not null.
     */
    public static Material build(TlsConfig cfg, String caFingerprint) throws IOException, GeneralSecurityException {
        if (cfg.caFile() == null && cfg.certFile() == null && caFingerprint == null && !cfg.insecureSkipVerify()) return null;
        X509TrustManager tm;
        if (cfg.insecureSkipVerify()) {
            tm = new TrustAll();
        } else if (caFingerprint != null) {
            String hex = normalizeFingerprint(caFingerprint);
            if (hex == null) throw new GeneralSecurityException("ca_fingerprint: expected a SHA-256 fingerprint: 64 hex digits, colons allowed");
            tm = new FingerprintTrust(hex);
        } else {
            KeyStore trust = null;
            if (cfg.caFile() != null) {
                trust = KeyStore.getInstance("PKCS12");
                trust.load(null, null);
                int i = 0;
                for (Certificate c : readCertificates("ca_file", cfg.caFile())) trust.setCertificateEntry("ca-" + i++, c);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            tm = firstX509(tmf.getTrustManagers());
        }
        KeyManager[] kms = null;
        if (cfg.certFile() != null && cfg.keyFile() != null) {
            List<Certificate> chain = readCertificates("cert_file", cfg.certFile());
            PrivateKey key = readPrivateKey(cfg.keyFile());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("client", key, none, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            kms = kmf.getKeyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kms, new TrustManager[] {tm}, null);
        return new Material(ctx, tm, cfg.insecureSkipVerify());
    }

    /** The certificates of a PEM (or DER) file; {@code key} names the config key in messages, e.g. {@code ca_file}. */
    public static List<Certificate> readCertificates(String key, Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) throw new CertificateException(key + " " + file + ": no PEM certificate found");
            return certs;
        } catch (CertificateException e) {
            if (e.getMessage() != null && e.getMessage().startsWith(key + " ")) throw e;
            throw new CertificateException(key + " " + file + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    /** An unencrypted PKCS#8 ("PRIVATE KEY") or PKCS#1 ("RSA PRIVATE KEY") PEM key: RSA, EC, Ed25519, Ed448 or RSASSA-PSS. */
    public static PrivateKey readPrivateKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] der;
        if (pem.contains(PKCS8_BEGIN)) {
            der = pemBody(file, pem, PKCS8_BEGIN, PKCS8_END);
        } else if (pem.contains(PKCS1_BEGIN)) {
            der = pkcs1ToPkcs8(pemBody(file, pem, PKCS1_BEGIN, PKCS1_END));
        } else if (pem.contains("PRIVATE KEY-----")) {
            throw new GeneralSecurityException("key_file " + file + ": only unencrypted PKCS#8 (\"PRIVATE KEY\") or PKCS#1"
                    + " (\"RSA PRIVATE KEY\") keys are supported; convert with: openssl pkcs8 -topk8 -nocrypt -in "
                    + file.getFileName() + " -out key.pem");
        } else {
            throw new GeneralSecurityException("key_file " + file + ": no PEM private key found");
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        GeneralSecurityException last = null;
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("key_file " + file + ": unsupported or corrupt private key"
                + " (expected RSA, EC, Ed25519 or Ed448)", last);
    }

    /** Normalizes a SHA-256 fingerprint ({@code AB:cd:...} or plain hex) to 64 lower-case hex digits, or null if malformed. */
    public static String normalizeFingerprint(String text) {
        String hex = text.replace(":", "").strip().toLowerCase(Locale.ROOT);
        if (hex.length() != 64) return null;
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) return null;
        }
        return hex;
    }

    private static byte[] pemBody(Path file, String pem, String begin, String end) throws GeneralSecurityException {
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end, b);
        if (b < 0 || e < 0) throw new GeneralSecurityException("key_file " + file + ": malformed PEM, missing " + end);
        try {
            return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
        } catch (IllegalArgumentException x) {
            throw new GeneralSecurityException("key_file " + file + ": malformed PEM, bad base64", x);
        }
    }

    /** Wraps a PKCS#1 RSAPrivateKey in a PKCS#8 PrivateKeyInfo. */
    private static byte[] pkcs1ToPkcs8(byte[] pkcs1) {
        byte[] algId = {0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48, (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x02, 0x01, 0x00});
        body.writeBytes(algId);
        body.write(0x04);
        writeLength(body, pkcs1.length);
        body.writeBytes(pkcs1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x30);
        writeLength(out, body.size());
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int len) {
        if (len < 0x80) {
            out.write(len);
        } else if (len <= 0xff) {
            out.write(0x81);
            out.write(len);
        } else if (len <= 0xffff) {
            out.write(0x82);
            out.write(len >> 8);
            out.write(len & 0xff);
        } else {
            out.write(0x83);
            out.write(len >> 16);
            out.write((len >> 8) & 0xff);
            out.write(len & 0xff);
        }
    }

    private static X509TrustManager firstX509(TrustManager[] tms) throws GeneralSecurityException {
        for (TrustManager t : tms) if (t instanceof X509TrustManager x) return x;
        throw new GeneralSecurityException("no X509TrustManager available");
    }

    /**
     * {@code ca_fingerprint}: the certificate in the server's chain with the configured SHA-256 fingerprint becomes the
     * only trust anchor, and the JDK's PKIX trust manager validates the chain up to it (signatures, validity, key
     * usage, and the host name when the connection asks for it). A chain that merely carries the pinned certificate,
     * such as a server's own certificate with the real CA appended, is refused.
     */
    private static final class FingerprintTrust extends X509ExtendedTrustManager {
        private final String fingerprint;

        FingerprintTrust(String fingerprint) { this.fingerprint = fingerprint; }

        /** The JDK's PKIX trust manager with the pinned certificate from {@code chain} as its only anchor. */
        private X509ExtendedTrustManager anchoredAt(X509Certificate[] chain) throws CertificateException {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (X509Certificate c : chain) {
                    if (!HexFormat.of().formatHex(sha.digest(c.getEncoded())).equals(fingerprint)) continue;
                    KeyStore anchor = KeyStore.getInstance("PKCS12");
                    anchor.load(null, null);
                    anchor.setCertificateEntry("pinned", c);
                    TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
                    tmf.init(anchor);
                    for (TrustManager t : tmf.getTrustManagers()) {
                        if (t instanceof X509ExtendedTrustManager x) return x;
                    }
                    throw new CertificateException("no PKIX trust manager available");
                }
            } catch (GeneralSecurityException | IOException e) {
                throw new CertificateException("tls.ca_fingerprint: " + e.getMessage(), e);
            }
            throw new CertificateException("no certificate in the server's chain matches tls.ca_fingerprint");
        }

        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            anchoredAt(chain).checkServerTrusted(chain, authType);
        }

        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            anchoredAt(chain).checkServerTrusted(chain, authType, socket);
        }

        @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            anchoredAt(chain).checkServerTrusted(chain, authType, engine);
        }

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
            checkClientTrusted(chain, authType);
        }

        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }

    /** {@code insecure_skip_verify: true}: accepts any certificate. */
    private static final class TrustAll implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
