package io.outrigger.outputs.loki;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.event.Labels;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.InstantSource;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against a JDK HTTPS server with certificates made by keytool: CA file, verification, client certificates. */
class LokiTlsTest {

    private static final char[] PW = "changeit".toCharArray();

    @TempDir static Path dir;
    private static HttpsServer tls;
    private static HttpsServer mtls;
    private static Path caPem;
    private static Path clientCertPem;
    private static Path clientKeyPem;

    @BeforeAll static void setUp() throws Exception {
        // one self-signed key pair (one keytool run) serves as the server's certificate, its CA and the client's
        KeyStore serverKs = load(keytool("localhost"));
        KeyStore clientKs = serverKs;
        caPem = writePem(dir.resolve("ca.pem"), "CERTIFICATE", serverKs.getCertificate("key").getEncoded());
        clientCertPem = writePem(dir.resolve("client.pem"), "CERTIFICATE", clientKs.getCertificate("key").getEncoded());
        clientKeyPem = writePem(dir.resolve("client-key.pem"), "PRIVATE KEY", clientKs.getKey("key", PW).getEncoded());

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKs, PW);
        KeyStore clientTrust = KeyStore.getInstance("PKCS12");
        clientTrust.load(null, null);
        clientTrust.setCertificateEntry("client", clientKs.getCertificate("key"));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(clientTrust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        tls = start(ctx, false);
        mtls = start(ctx, true);
    }

    @AfterAll static void tearDown() {
        if (tls != null) tls.stop(0);
        if (mtls != null) mtls.stop(0);
    }

    private static Path keytool(String name) throws Exception {
        Path ks = dir.resolve(name + ".p12");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair", "-alias", "key", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=" + name,
                "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2", "-storetype", "PKCS12",
                "-keystore", ks.toString(), "-storepass", new String(PW))
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool failed: " + out);
        return ks;
    }

    private static KeyStore load(Path file) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PW);
        }
        return ks;
    }

    private static Path writePem(Path file, String type, byte[] der) throws IOException {
        String b64 = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der);
        return Files.writeString(file, "-----BEGIN " + type + "-----\n" + b64 + "\n-----END " + type + "-----\n");
    }

    private static HttpsServer start(SSLContext ctx, boolean needClientAuth) throws IOException {
        HttpsServer s = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        s.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override public void configure(HttpsParameters params) {
                javax.net.ssl.SSLParameters sp = ctx.getDefaultSSLParameters();
                sp.setNeedClientAuth(needClientAuth);
                params.setSSLParameters(sp);
            }
        });
        s.createContext("/", (HttpExchange ex) -> {
            try (ex) {
                ex.getRequestBody().readAllBytes();
                ex.sendResponseHeaders(204, -1);
            }
        });
        s.start();
        return s;
    }

    private static SendResult sendOne(HttpsServer server, String tlsJson) throws Exception {
        String json = "{\"url\":\"https://127.0.0.1:" + server.getAddress().getPort() + "\",\"timeout\":\"10s\""
                + (tlsJson.isEmpty() ? "" : ",\"tls\":" + tlsJson) + "}";
        LokiOutputConfig cfg = ConfigModule.newMapper().readValue(json, LokiOutputConfig.class);
        LokiOutputFactory f = new LokiOutputFactory();
        assertEquals(List.of(), f.validate(cfg));
        try (Output o = f.create(cfg, new ComponentContext("loki", Metrics.newIsolated(), InstantSource.system(), null, null,
                CheckpointStore.inMemory(), Map.of()))) {
            LogRecord r = LogRecord.builder().timeNanos(System.currentTimeMillis() * 1_000_000L).message("over tls")
                    .labels(Labels.of("app", "tls")).build();
            return o.send(Batch.of(List.of(r))).get(30, TimeUnit.SECONDS);
        }
    }

    @Test void caFileMakesTheServerTrusted() throws Exception {
        assertEquals(SendResult.DELIVERED, sendOne(tls, "{\"ca_file\":\"" + caPem + "\"}"));
    }

    @Test void verificationIsOnByDefault() throws Exception {
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, sendOne(tls, ""));
        assertEquals("tls", r.reason().label());
    }

    @Test void insecureSkipVerifyTrustsAnyServer() throws Exception {
        assertEquals(SendResult.DELIVERED, sendOne(tls, "{\"insecure_skip_verify\":true}"));
    }

    @Test void clientCertificateIsPresentedWhenConfigured() throws Exception {
        assertEquals(SendResult.DELIVERED, sendOne(mtls,
                "{\"ca_file\":\"" + caPem + "\",\"cert_file\":\"" + clientCertPem + "\",\"key_file\":\"" + clientKeyPem + "\"}"));
        SendResult.Retryable refused = assertInstanceOf(SendResult.Retryable.class, sendOne(mtls, "{\"ca_file\":\"" + caPem + "\"}"));
        assertTrue(refused.reason() == Reason.TLS || refused.reason() == Reason.CONNECTION, refused.toString());
    }
}
