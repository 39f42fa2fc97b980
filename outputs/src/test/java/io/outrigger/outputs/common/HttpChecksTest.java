package io.outrigger.outputs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.Secret;
import io.outrigger.core.config.TlsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HttpChecksTest {

    @TempDir Path dir;

    private static List<ConfigProblem> url(String url) {
        List<ConfigProblem> p = new ArrayList<>();
        HttpChecks.url(p, url, "http://server:1234");
        return p;
    }

    @Test void urlMustBeHttpOrHttpsWithAHost() {
        assertEquals(List.of(), url("https://logs.example.com/gw/"));
        assertEquals(List.of(), url("HTTP://loki:3100"));
        assertEquals(List.of(new ConfigProblem("url", "is required, e.g. http://server:1234")), url(" "));
        assertEquals(List.of(new ConfigProblem("url", "is required, e.g. http://server:1234")), url(null));
        for (String bad : List.of("loki:3100", "ftp://loki", "http://", "http://bad host/")) {
            assertEquals(List.of(new ConfigProblem("url", "invalid URI \"" + bad + "\" (expected http:// or https:// and a host)")), url(bad), bad);
        }
        assertNotNull(HttpChecks.url(new ArrayList<>(), "http://a:1/x?y", "e"));
        assertNull(HttpChecks.url(new ArrayList<>(), "a:1", "e"));
    }

    private List<ConfigProblem> auth(boolean basic, String user, Secret pw, Secret token, Path tokenFile) {
        List<ConfigProblem> p = new ArrayList<>();
        HttpChecks.auth(p, basic, user, pw, token, tokenFile);
        return p;
    }

    @Test void authAtMostOneWayAndComplete() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "t");
        assertEquals(List.of(), auth(true, "u", Secret.of("p"), null, null));
        assertEquals(List.of(), auth(false, null, null, Secret.of("t"), null));
        assertEquals(List.of(), auth(false, null, null, null, file));
        assertEquals(List.of(new ConfigProblem("basic_auth", "basic_auth and bearer_token are both set: choose one")),
                auth(true, "u", Secret.of("p"), Secret.of("t"), null));
        assertEquals(List.of(new ConfigProblem("basic_auth", "basic_auth and bearer_token_file are both set: choose one")),
                auth(true, "u", Secret.of("p"), null, file));
        assertEquals(List.of(new ConfigProblem("basic_auth.username", "is required with basic_auth"),
                        new ConfigProblem("basic_auth.password", "is required with basic_auth")),
                auth(true, "", null, null, null));
        assertEquals(List.of(new ConfigProblem("bearer_token_file", "bearer_token and bearer_token_file are both set: choose one")),
                auth(false, null, null, Secret.of("t"), file));
        assertEquals(List.of(new ConfigProblem("bearer_token", "is empty (is its environment variable set?)")),
                auth(false, null, null, Secret.of(""), null));
        Path missing = dir.resolve("missing");
        assertEquals(List.of(new ConfigProblem("bearer_token_file", "no such file: " + missing)), auth(false, null, null, null, missing));
    }

    @Test void tlsProblemsAreUnderTlsAndFilesAreLoaded() throws Exception {
        List<ConfigProblem> p = new ArrayList<>();
        HttpChecks.tls(p, TlsConfig.DEFAULT);
        assertEquals(List.of(), p);
        Path missing = dir.resolve("ca.pem");
        HttpChecks.tls(p, new TlsConfig(missing, null, null, null));
        assertEquals(List.of(new ConfigProblem("tls.ca_file", "no such file: " + missing)), p);
        p.clear();
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
        HttpChecks.tls(p, new TlsConfig(notPem, null, null, null));
        assertEquals(1, p.size());
        assertEquals("tls", p.getFirst().path());
        assertTrue(p.getFirst().message().startsWith("cannot be loaded: ca_file " + notPem + ": "), p.getFirst().message());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemTls.load(new TlsConfig(notPem, null, null, null), "x"));
        assertTrue(e.getMessage().startsWith("outputs.x.tls cannot be loaded: ca_file "), e.getMessage());
    }

    @Test void timeoutMustBePositive() {
        List<ConfigProblem> p = new ArrayList<>();
        HttpChecks.timeout(p, Duration.ofSeconds(1));
        assertEquals(List.of(), p);
        HttpChecks.timeout(p, Duration.ZERO);
        HttpChecks.timeout(p, Duration.ofSeconds(-1));
        assertEquals(List.of(new ConfigProblem("timeout", "must be positive"), new ConfigProblem("timeout", "must be positive")), p);
    }
}
