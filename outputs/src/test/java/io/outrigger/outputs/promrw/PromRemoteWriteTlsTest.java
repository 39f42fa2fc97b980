package io.outrigger.outputs.promrw;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import io.outrigger.core.config.TlsConfig;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS against a JDK HTTPS server with a self-signed certificate made by the JDK's keytool (no openssl needed). */
class PromRemoteWriteTlsTest {

    @TempDir static Path dir;
    static HttpsServer server;
    static Path serverCertPem;
    static Path clientCertPem;
    static Path clientKeyPem;
    static final AtomicReference<String> clientPrincipal = new AtomicReference<>();
    static final char[] PW = "changeit".toCharArray();

    static void keytool(String... args) throws Exception {
        String tool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        List<String> cmd = new java.util.ArrayList<>(List.of(tool));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new AssertionError("keytool failed: " + out);
    }

    static KeyStore load(Path p12) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p12)) {
            ks.load(in, PW);
        }
        return ks;
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    @BeforeAll
    static void start() throws Exception {
        Path serverP12 = dir.resolve("server.p12");
        Path clientP12 = dir.resolve("client.p12");
        keytool("-genkeypair", "-alias", "server", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost",
                "-ext", "san=ip:127.0.0.1,dns:localhost", "-validity", "2", "-keystore", serverP12.toString(),
                "-storetype", "PKCS12", "-storepass", "changeit");
        keytool("-genkeypair", "-alias", "client", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=outrigger-client",
                "-validity", "2", "-keystore", clientP12.toString(), "-storetype", "PKCS12", "-storepass", "changeit");
        KeyStore serverKs = load(serverP12);
        KeyStore clientKs = load(clientP12);
        serverCertPem = Files.writeString(dir.resolve("ca.pem"), pem("CERTIFICATE", serverKs.getCertificate("server").getEncoded()));
        Certificate clientCert = clientKs.getCertificate("client");
        clientCertPem = Files.writeString(dir.resolve("client.pem"), pem("CERTIFICATE", clientCert.getEncoded()));
        Key clientKey = clientKs.getKey("client", PW);
        clientKeyPem = Files.writeString(dir.resolve("client-key.pem"), pem("PRIVATE KEY", clientKey.getEncoded()));

        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKs, PW);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("client", clientCert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ctx) {
            @Override public void configure(HttpsParameters params) {
                SSLParameters p = ctx.getDefaultSSLParameters();
                p.setWantClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/api/v1/write", ex -> {
            try {
                clientPrincipal.set(((HttpsExchange) ex).getSSLSession().getPeerPrincipal().getName());
            } catch (SSLPeerUnverifiedException e) {
                clientPrincipal.set(null);
            }
            ex.getRequestBody().readAllBytes();
            ex.sendResponseHeaders(204, -1);
            ex.close();
        });
        server.setExecutor(Executors.newFixedThreadPool(2));
        server.start();
    }

    @AfterAll
    static void stop() { server.stop(0); }

    static SendResult send(TlsConfig tls) throws Exception {
        String url = "https://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write";
        PromRemoteWriteConfig c = new PromRemoteWriteConfig(url, null, tls, Duration.ofSeconds(10), null, null, null, null);
        PromRemoteWriteOutputFactory f = new PromRemoteWriteOutputFactory();
        assertEquals(List.of(), f.validate(c));
        try (Output out = f.create(c, PromRemoteWriteOutputTest.ctx())) {
            return out.send(io.outrigger.core.pipeline.Batch.of(List.of(PromRemoteWriteOutputTest.sample("a", 1)))).get(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void caFileAndClientCertificate() throws Exception {
        assertEquals(SendResult.DELIVERED, send(new TlsConfig(serverCertPem, clientCertPem, clientKeyPem, null, null)));
        assertEquals("CN=outrigger-client", clientPrincipal.get());
    }

    @Test
    void verificationIsOnByDefault() throws Exception {
        SendResult.Retryable r = assertInstanceOf(SendResult.Retryable.class, send(TlsConfig.DEFAULT));
        assertEquals("tls", r.reason().label());
    }

    @Test
    void insecureSkipVerifyAcceptsTheSelfSignedServer() throws Exception {
        assertEquals(SendResult.DELIVERED, send(new TlsConfig(null, null, null, true, null)));
        assertNull(clientPrincipal.get());
    }
}
