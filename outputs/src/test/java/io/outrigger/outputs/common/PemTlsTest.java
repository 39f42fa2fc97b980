package io.outrigger.outputs.common;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The shared PEM loading and trust decisions; each output's TLS test covers its wiring against a real HTTPS server. */
class PemTlsTest {

    private static final char[] PW = "changeit".toCharArray();

    @TempDir static Path dir;
    private static X509Certificate cert;
    private static PrivateKey certKey;
    private static Path certPem;
    private static Path keyPem;

    @BeforeAll static void makeCertificate() throws Exception {
        Path ks = dir.resolve("key.p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", new String(PW))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool failed: " + out);
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PW);
        }
        cert = (X509Certificate) store.getCertificate("key");
        certKey = (PrivateKey) store.getKey("key", PW);
        certPem = writePem("cert.pem", "CERTIFICATE", cert.getEncoded());
        keyPem = writePem("key.pem", "PRIVATE KEY", certKey.getEncoded());
    }

    private static Path writePem(String name, String type, byte[] der) throws IOException {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return Files.writeString(dir.resolve(name), "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
    }

    @Test void nothingConfiguredMeansJdkDefaults() throws Exception {
        assertNull(PemTls.build(TlsConfig.DEFAULT));
        assertNull(PemTls.build(TlsConfig.DEFAULT, null));
    }

    @Test void caFileReplacesTheTrustedRoots() throws Exception {
        PemTls.Material m = PemTls.build(new TlsConfig(certPem, null, null, null, null));
        assertNotNull(m);
        assertFalse(m.skipHostnameVerification());
        assertArrayEquals(new X509Certificate[] {cert}, m.trustManager().getAcceptedIssuers());
        m.trustManager().checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA");
        assertNotNull(m.socketFactory());
    }

    @Test void clientCertificateAndKeyLoad() throws Exception {
        PemTls.Material m = PemTls.build(new TlsConfig(null, certPem, keyPem, null, null));
        assertNotNull(m.context());
        // no ca_file: the JDK's roots, which do not include the self-signed certificate
        assertThrows(CertificateException.class, () -> m.trustManager().checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"));
    }

    @Test void insecureSkipVerifyTrustsAnythingAndSkipsHostNames() throws Exception {
        PemTls.Material m = PemTls.build(new TlsConfig(null, null, null, true, null));
        assertTrue(m.skipHostnameVerification());
        m.trustManager().checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA");
    }

    @Test void fingerprintTrustsOnlyTheMatchingCertificate() throws Exception {
        String fp = HexFormat.ofDelimiter(":").formatHex(MessageDigest.getInstance("SHA-256").digest(cert.getEncoded())).toUpperCase(Locale.ROOT);
        PemTls.Material m = PemTls.build(TlsConfig.DEFAULT, fp);
        m.trustManager().checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA");
        PemTls.Material other = PemTls.build(TlsConfig.DEFAULT, "ab".repeat(32));
        CertificateException e = assertThrows(CertificateException.class,
                () -> other.trustManager().checkServerTrusted(new X509Certificate[] {cert}, "ECDHE_ECDSA"));
        assertEquals("no certificate in the server's chain matches tls.ca_fingerprint", e.getMessage());
        GeneralSecurityException bad = assertThrows(GeneralSecurityException.class, () -> PemTls.build(TlsConfig.DEFAULT, "abc"));
        assertTrue(bad.getMessage().startsWith("ca_fingerprint: expected a SHA-256 fingerprint"), bad.getMessage());
    }

    /** A CA, a server certificate it signed, and a forger's self-made certificate for the same name, by keytool. */
    @Test void fingerprintValidatesTheChainUpToThePinnedCertificate() throws Exception {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        Path ks = dir.resolve("chain.p12");
        for (String alias : List.of("ca", "server", "forger")) {
            List<String> cmd = new java.util.ArrayList<>(List.of(keytool, "-genkeypair", "-alias", alias, "-keyalg", "EC",
                    "-groupname", "secp256r1", "-dname", "CN=" + (alias.equals("ca") ? "Test CA" : "localhost"), "-validity", "2",
                    "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", new String(PW)));
            if (alias.equals("ca")) cmd.addAll(List.of("-ext", "bc:c"));
            keytool(cmd.toArray(String[]::new));
        }
        Path csr = dir.resolve("server.csr");
        Path signed = dir.resolve("server-signed.pem");
        keytool(keytool, "-certreq", "-alias", "server", "-keystore", ks.toString(), "-storepass", new String(PW), "-file", csr.toString());
        keytool(keytool, "-gencert", "-alias", "ca", "-keystore", ks.toString(), "-storepass", new String(PW), "-infile", csr.toString(),
                "-outfile", signed.toString(), "-rfc", "-ext", "san=dns:localhost", "-validity", "2");
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PW);
        }
        X509Certificate ca = (X509Certificate) store.getCertificate("ca");
        X509Certificate forged = (X509Certificate) store.getCertificate("forger");
        X509Certificate server = (X509Certificate) PemTls.readCertificates("cert_file", signed).get(0);
        String fp = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ca.getEncoded()));
        PemTls.Material m = PemTls.build(TlsConfig.DEFAULT, fp);
        assertFalse(m.skipHostnameVerification(), "the HTTP clients check the host name as usual");
        m.trustManager().checkServerTrusted(new X509Certificate[] {server, ca}, "ECDHE_ECDSA");
        // the forger's own certificate with the real CA appended: the pinned certificate is in the chain, but signed nothing
        assertThrows(CertificateException.class,
                () -> m.trustManager().checkServerTrusted(new X509Certificate[] {forged, ca}, "ECDHE_ECDSA"));
        assertThrows(CertificateException.class,
                () -> m.trustManager().checkServerTrusted(new X509Certificate[] {forged, server, ca}, "ECDHE_ECDSA"));
    }

    private static void keytool(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool failed: " + out);
    }

    @Test void fingerprintsAreNormalized() {
        assertEquals("ab".repeat(32), PemTls.normalizeFingerprint("AB:".repeat(31) + "AB"));
        assertEquals("ab".repeat(32), PemTls.normalizeFingerprint(" " + "ab".repeat(32) + " "));
        assertNull(PemTls.normalizeFingerprint("ab".repeat(31)));
        assertNull(PemTls.normalizeFingerprint("zz".repeat(32)));
    }

    @Test void certificateFilesWithoutCertificatesNameKeyAndFile() throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
        CertificateException e = assertThrows(CertificateException.class, () -> PemTls.readCertificates("ca_file", notPem));
        assertTrue(e.getMessage().startsWith("ca_file " + notPem + ": "), e.getMessage());
        Path empty = Files.writeString(dir.resolve("empty.pem"), "");
        GeneralSecurityException e2 = assertThrows(GeneralSecurityException.class,
                () -> PemTls.build(new TlsConfig(null, empty, keyPem, null, null)));
        assertTrue(e2.getMessage().startsWith("cert_file " + empty + ": "), e2.getMessage());
        assertEquals(List.of(cert), PemTls.readCertificates("ca_file", certPem));
    }

    @Test void pkcs8KeyIsRead() throws Exception {
        assertEquals(certKey, PemTls.readPrivateKey(keyPem));
    }

    @Test void pkcs1RsaKeyIsRead() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(1024);
        KeyPair kp = g.generateKeyPair();
        byte[] pkcs8 = kp.getPrivate().getEncoded();
        // PrivateKeyInfo: 30 82 LL LL | 02 01 00 | 30 0d <rsaEncryption, NULL> | 04 82 LL LL <RSAPrivateKey>
        assertEquals(0x04, pkcs8[22]);
        assertEquals((byte) 0x82, pkcs8[23]);
        Path pem = writePem("rsa-pkcs1.pem", "RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, 26, pkcs8.length));
        assertEquals(kp.getPrivate(), PemTls.readPrivateKey(pem));
    }

    @Test void unsupportedKeyFormatSaysHowToConvert() throws Exception {
        Path ec = writePem("ec.pem", "EC PRIVATE KEY", new byte[] {1, 2, 3});
        GeneralSecurityException e = assertThrows(GeneralSecurityException.class, () -> PemTls.readPrivateKey(ec));
        assertTrue(e.getMessage().startsWith("key_file " + ec + ": "), e.getMessage());
        assertTrue(e.getMessage().contains("openssl pkcs8 -topk8 -nocrypt"), e.getMessage());
    }

    @Test void garbageKeysAreReportedWithTheirFile() throws Exception {
        Path none = Files.writeString(dir.resolve("none.pem"), "hello");
        assertEquals("key_file " + none + ": no PEM private key found",
                assertThrows(GeneralSecurityException.class, () -> PemTls.readPrivateKey(none)).getMessage());
        Path corrupt = writePem("corrupt.pem", "PRIVATE KEY", new byte[] {1, 2, 3});
        assertTrue(assertThrows(GeneralSecurityException.class, () -> PemTls.readPrivateKey(corrupt)).getMessage()
                .startsWith("key_file " + corrupt + ": unsupported or corrupt private key"));
    }
}
