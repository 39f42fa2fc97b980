package io.outrigger.outputs.elasticsearch;

import java.io.IOException;
import java.io.InputStream;
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
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/** Builds the SSLContext for the {@code tls} block: CA file, CA fingerprint, client certificate, or no checks. */
final class TlsContexts {

    private TlsContexts() {}

    /** Normalizes a fingerprint ({@code AB:cd:...} or plain hex) to 64 lower-case hex digits, or null if malformed. */
    static String normalizeFingerprint(String text) {
        String hex = text.replace(":", "").strip().toLowerCase(Locale.ROOT);
        if (hex.length() != 64) return null;
        for (int i = 0; i < hex.length(); i++) {
            if (Character.digit(hex.charAt(i), 16) < 0) return null;
        }
        return hex;
    }

    /** Null when the JDK's defaults will do (no TLS settings given). */
    static SSLContext build(ElasticsearchOutputConfig.Tls tls) throws IOException, GeneralSecurityException {
        boolean custom = tls.caFile() != null || tls.caFingerprint() != null || tls.certFile() != null || tls.insecureSkipVerify();
        if (!custom) return null;
        TrustManager[] trust = null;
        if (tls.insecureSkipVerify()) {
            trust = new TrustManager[] {new TrustAll()};
        } else if (tls.caFingerprint() != null) {
            trust = new TrustManager[] {new FingerprintTrust(normalizeFingerprint(tls.caFingerprint()))};
        } else if (tls.caFile() != null) {
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            int i = 0;
            for (Certificate c : readCertificates(tls.caFile())) ks.setCertificateEntry("ca-" + i++, c);
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            trust = tmf.getTrustManagers();
        }
        KeyManager[] keys = null;
        if (tls.certFile() != null && tls.keyFile() != null) {
            List<Certificate> chain = readCertificates(tls.certFile());
            PrivateKey key = readPkcs8Key(tls.keyFile());
            KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
            ks.load(null, null);
            char[] none = new char[0];
            ks.setKeyEntry("client", key, none, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, none);
            keys = kmf.getKeyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(keys, trust, null);
        return ctx;
    }

    static List<Certificate> readCertificates(Path file) throws IOException, CertificateException {
        try (InputStream in = Files.newInputStream(file)) {
            List<Certificate> certs = List.copyOf(CertificateFactory.getInstance("X.509").generateCertificates(in));
            if (certs.isEmpty()) throw new CertificateException("no certificate in " + file);
            return certs;
        }
    }

    /** Why a key file cannot be used, or null when it looks like an unencrypted PKCS#8 PEM key. */
    static String keyFileProblem(Path file) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            return null; // TlsConfig reports unreadable files
        }
        if (pem.contains("-----BEGIN PRIVATE KEY-----")) return null;
        if (pem.contains("PRIVATE KEY-----")) {
            return "only unencrypted PKCS#8 keys (\"BEGIN PRIVATE KEY\") are supported; convert with: openssl pkcs8 -topk8 -nocrypt -in "
                    + file.getFileName() + " -out key.pem";
        }
        return "no PEM private key in " + file;
    }

    private static PrivateKey readPkcs8Key(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file);
        int start = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < 0) throw new GeneralSecurityException(keyFileProblem(file));
        String b64 = pem.substring(start + "-----BEGIN PRIVATE KEY-----".length(), end).replaceAll("\\s", "");
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(b64));
        GeneralSecurityException last = null;
        for (String alg : new String[] {"RSA", "EC", "Ed25519", "RSASSA-PSS"}) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(spec);
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("unsupported private key in " + file, last);
    }

    /** Trusts a server whose chain holds a certificate with the configured SHA-256 fingerprint. */
    static final class FingerprintTrust implements X509TrustManager {
        private final String fingerprint;

        FingerprintTrust(String fingerprint) { this.fingerprint = fingerprint; }

        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            try {
                MessageDigest sha = MessageDigest.getInstance("SHA-256");
                for (X509Certificate c : chain) {
                    if (HexFormat.of().formatHex(sha.digest(c.getEncoded())).equals(fingerprint)) return;
                }
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new CertificateException(e);
            }
            throw new CertificateException("no certificate in the server's chain matches tls.ca_fingerprint");
        }

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }

    /** {@code insecure_skip_verify: true}: accepts any server certificate. */
    static final class TrustAll implements X509TrustManager {
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}

        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}

        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
