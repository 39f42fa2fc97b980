package io.outrigger.outputs.loki;

import io.outrigger.core.config.TlsConfig;
import java.io.ByteArrayOutputStream;
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
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * TLS for the HTTP client from the core {@link TlsConfig}: {@code ca_file} (PEM bundle; replaces the JDK's trusted
 * roots), {@code cert_file} + {@code key_file} (PEM; key in PKCS#8 "PRIVATE KEY" or PKCS#1 "RSA PRIVATE KEY"), and
 * {@code insecure_skip_verify} (trusts any certificate and host name: for tests only).
 */
final class TlsSupport {

    record Tls(SSLSocketFactory socketFactory, X509TrustManager trustManager, boolean skipHostnameCheck) {}

    private TlsSupport() {}

    /** Null when the config asks for nothing beyond the JDK defaults. */
    static Tls build(TlsConfig cfg) throws IOException, GeneralSecurityException {
        if (cfg.caFile() == null && cfg.certFile() == null && !cfg.insecureSkipVerify()) return null;
        X509TrustManager tm;
        if (cfg.insecureSkipVerify()) {
            tm = new TrustAll();
        } else {
            KeyStore trust = null;
            if (cfg.caFile() != null) {
                trust = KeyStore.getInstance(KeyStore.getDefaultType());
                trust.load(null, null);
                int i = 0;
                for (Certificate c : readCertificates(cfg.caFile())) trust.setCertificateEntry("ca-" + i++, c);
                if (i == 0) throw new GeneralSecurityException("no certificate found in ca_file " + cfg.caFile());
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            tm = firstX509(tmf.getTrustManagers());
        }
        KeyManager[] kms = null;
        if (cfg.certFile() != null && cfg.keyFile() != null) {
            List<Certificate> chain = new ArrayList<>(readCertificates(cfg.certFile()));
            if (chain.isEmpty()) throw new GeneralSecurityException("no certificate found in cert_file " + cfg.certFile());
            PrivateKey key = readKey(cfg.keyFile());
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            char[] pw = new char[0];
            ks.setKeyEntry("client", key, pw, chain.toArray(Certificate[]::new));
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(ks, pw);
            kms = kmf.getKeyManagers();
        }
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kms, new TrustManager[] {tm}, null);
        return new Tls(ctx.getSocketFactory(), tm, cfg.insecureSkipVerify());
    }

    private static Collection<? extends Certificate> readCertificates(Path file) throws IOException, GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            return CertificateFactory.getInstance("X.509").generateCertificates(in);
        }
    }

    static PrivateKey readKey(Path file) throws IOException, GeneralSecurityException {
        String pem = Files.readString(file, StandardCharsets.US_ASCII);
        byte[] der;
        if (pem.contains("-----BEGIN PRIVATE KEY-----")) {
            der = pemBody(pem, "PRIVATE KEY");
        } else if (pem.contains("-----BEGIN RSA PRIVATE KEY-----")) {
            der = pkcs1ToPkcs8(pemBody(pem, "RSA PRIVATE KEY"));
        } else {
            throw new GeneralSecurityException("key_file " + file + ": expected a PEM \"PRIVATE KEY\" (PKCS#8) or \"RSA PRIVATE KEY\";"
                    + " convert other keys with: openssl pkcs8 -topk8 -nocrypt -in key.pem");
        }
        GeneralSecurityException last = null;
        for (String alg : List.of("RSA", "EC", "Ed25519", "Ed448")) {
            try {
                return KeyFactory.getInstance(alg).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException e) {
                last = e;
            }
        }
        throw new GeneralSecurityException("key_file " + file + ": unsupported or corrupt private key", last);
    }

    private static byte[] pemBody(String pem, String type) throws GeneralSecurityException {
        String begin = "-----BEGIN " + type + "-----";
        String end = "-----END " + type + "-----";
        int b = pem.indexOf(begin);
        int e = pem.indexOf(end, b);
        if (b < 0 || e < 0) throw new GeneralSecurityException("malformed PEM: missing " + end);
        return Base64.getMimeDecoder().decode(pem.substring(b + begin.length(), e));
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

    private static final class TrustAll implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) {}
        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) {}
        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
