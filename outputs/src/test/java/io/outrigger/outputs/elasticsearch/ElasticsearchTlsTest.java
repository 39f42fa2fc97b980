package io.outrigger.outputs.elasticsearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.outrigger.core.checkpoint.CheckpointStore;
import io.outrigger.core.config.ConfigModule;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import io.outrigger.core.telemetry.Metrics;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.time.InstantSource;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tls block against an HTTPS fake Elasticsearch with a self-signed certificate made by keytool. */
class ElasticsearchTlsTest {

    @TempDir static Path dir;
    private static HttpsServer server;
    private static Path caPem;
    private static String fingerprint;

    @BeforeAll
    static void startHttpsServer() throws Exception {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        Path ks = dir.resolve("server.p12");
        run(keytool.toString(), "-genkeypair", "-alias", "es", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=localhost", "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", "changeit", "-keypass", "changeit");
        caPem = dir.resolve("ca.pem");
        run(keytool.toString(), "-exportcert", "-rfc", "-alias", "es", "-keystore", ks.toString(), "-storepass", "changeit",
                "-file", caPem.toString());
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, "changeit".toCharArray());
        }
        X509Certificate cert = (X509Certificate) store.getCertificate("es");
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
        // as Elasticsearch prints it: upper case with colons
        fingerprint = HexFormat.ofDelimiter(":").formatHex(digest).toUpperCase(Locale.ROOT);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(store, "changeit".toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx));
        server.createContext("/", ex -> {
            ex.getRequestBody().readAllBytes();
            byte[] body = "{\"errors\":false,\"items\":[{\"index\":{\"status\":201}}]}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        server.start();
    }

    @AfterAll
    static void stopServer() {
        if (server != null) server.stop(0);
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException("keytool failed: " + out);
    }

    private static SendResult sendWith(String tls) throws Exception {
        String json = "{\"hosts\":[\"https://127.0.0.1:" + server.getAddress().getPort() + "\"],\"index\":\"logs\",\"timeout\":\"5s\",\"tls\":" + tls + "}";
        ElasticsearchOutputConfig c = ConfigModule.newMapper().readValue(json, ElasticsearchOutputConfig.class);
        ElasticsearchOutputFactory f = new ElasticsearchOutputFactory();
        assertEquals(List.of(), f.validate(c));
        try (Output out = f.create(c, new ComponentContext("es", Metrics.newIsolated(), InstantSource.system(), null, null,
                CheckpointStore.inMemory(), Map.of()))) {
            return out.send(Batch.of(List.of(Fixtures.record(1)))).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void caFileIsTrusted() throws Exception {
        assertEquals(SendResult.DELIVERED, sendWith("{\"ca_file\":\"" + caPem + "\"}"));
    }

    @Test
    void caFingerprintIsTrusted() throws Exception {
        assertEquals(SendResult.DELIVERED, sendWith("{\"ca_fingerprint\":\"" + fingerprint + "\"}"));
    }

    @Test
    void wrongFingerprintOrUnknownCaFailsAsTls() throws Exception {
        SendResult.Retryable wrong = assertInstanceOf(SendResult.Retryable.class, sendWith("{\"ca_fingerprint\":\"" + "ab".repeat(32) + "\"}"));
        assertEquals("tls", wrong.reason().label(), wrong.detail());
        SendResult.Retryable untrusted = assertInstanceOf(SendResult.Retryable.class, sendWith("{}"));
        assertEquals("tls", untrusted.reason().label(), untrusted.detail());
    }

    @Test
    void insecureSkipVerifyAcceptsAnyCertificate() throws Exception {
        assertEquals(SendResult.DELIVERED, sendWith("{\"insecure_skip_verify\":true}"));
    }
}
