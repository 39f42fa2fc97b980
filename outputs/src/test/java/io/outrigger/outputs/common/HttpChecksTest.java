package io.outrigger.outputs.common;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.HttpAuth;
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

    private List<ConfigProblem> auth(String user, Secret pw, Secret token, Path tokenFile, Secret apiKey, boolean apiKeyKnown) {
        List<ConfigProblem> p = new ArrayList<>();
        HttpChecks.auth(p, new HttpAuth(user, pw, token, tokenFile, apiKey), apiKeyKnown);
        return p;
    }

    @Test void authAtMostOneWayAndComplete() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "t");
        assertEquals(List.of(), auth("u", Secret.of("p"), null, null, null, false));
        assertEquals(List.of(), auth(null, null, Secret.of("t"), null, null, false));
        assertEquals(List.of(), auth(null, null, null, file, null, false));
        assertEquals(List.of(), auth(null, null, null, null, Secret.of("k"), true));
        assertEquals(List.of(), auth(null, null, null, null, null, false));
        assertEquals(List.of(new ConfigProblem("auth", "username/password and bearer_token are both set: choose one")),
                auth("u", Secret.of("p"), Secret.of("t"), null, null, false));
        assertEquals(List.of(new ConfigProblem("auth", "username/password and bearer_token_file and api_key are all set: choose one")),
                auth("u", Secret.of("p"), null, file, Secret.of("k"), true));
        assertEquals(List.of(new ConfigProblem("auth.username", "must not be empty or contain ':'"),
                        new ConfigProblem("auth.password", "is required with a username")),
                auth("", null, null, null, null, false));
        assertEquals(List.of(new ConfigProblem("auth.username", "is required with a password")),
                auth(null, Secret.of("p"), null, null, null, false));
        assertEquals(List.of(new ConfigProblem("auth", "bearer_token and bearer_token_file are both set: choose one")),
                auth(null, null, Secret.of("t"), file, null, false));
        assertEquals(List.of(new ConfigProblem("auth.bearer_token", "is empty (is its environment variable set?)")),
                auth(null, null, Secret.of(""), null, null, false));
        assertEquals(List.of(new ConfigProblem("auth.api_key", "is only known to elasticsearch outputs: use username/password or bearer_token")),
                auth(null, null, null, null, Secret.of("k"), false));
        Path missing = dir.resolve("missing");
        assertEquals(List.of(new ConfigProblem("auth.bearer_token_file", "no such file: " + missing)), auth(null, null, null, missing, null, false));
    }

    @Test void authHeaderForEachSchemeRereadsTheTokenFileAndHidesSecrets() throws Exception {
        assertNull(AuthHeader.of(HttpAuth.NONE).value());
        assertEquals("Basic dXNlcjpww6Vzcw==", AuthHeader.of(HttpAuth.basic("user", Secret.of("p\u00e5ss"))).value());
        assertEquals("Bearer t0k", AuthHeader.of(HttpAuth.bearer(Secret.of("t0k"))).value());
        assertEquals("ApiKey aWQ6a2V5", AuthHeader.of(new HttpAuth(null, null, null, null, Secret.of("aWQ6a2V5"))).value());
        Path file = Files.writeString(dir.resolve("rotating"), "first\n");
        AuthHeader h = AuthHeader.of(new HttpAuth(null, null, null, file, null));
        assertEquals("Bearer first", h.value());
        Files.writeString(file, "second");
        Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));
        assertEquals("Bearer second", h.value());
        assertEquals("AuthHeader[***]", AuthHeader.of(HttpAuth.bearer(Secret.of("t0k"))).toString());
    }

    @Test void caFingerprintIsCheckedForEveryHttpOutput() throws Exception {
        Path ca = Files.writeString(dir.resolve("ca.pem"), "x");
        List<ConfigProblem> p = new ArrayList<>();
        HttpChecks.tls(p, new TlsConfig(ca, null, null, true, "AB:CD"));
        assertEquals(List.of(new ConfigProblem("tls.ca_fingerprint", "expected a SHA-256 fingerprint: 64 hex digits, colons allowed"),
                new ConfigProblem("tls.ca_fingerprint", "ca_file and ca_fingerprint are mutually exclusive: set one of them"),
                new ConfigProblem("tls.insecure_skip_verify", "verification is off, so ca_file/ca_fingerprint would be ignored: remove one")), p);
        p.clear();
        HttpChecks.tls(p, new TlsConfig(null, null, null, null, "ab".repeat(32)));
        assertEquals(List.of(), p);
    }

    @Test void tlsProblemsAreUnderTlsAndFilesAreLoaded() throws Exception {
        List<ConfigProblem> p = new ArrayList<>();
        HttpChecks.tls(p, TlsConfig.DEFAULT);
        assertEquals(List.of(), p);
        Path missing = dir.resolve("ca.pem");
        HttpChecks.tls(p, new TlsConfig(missing, null, null, null, null));
        assertEquals(List.of(new ConfigProblem("tls.ca_file", "no such file: " + missing)), p);
        p.clear();
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
        HttpChecks.tls(p, new TlsConfig(notPem, null, null, null, null));
        assertEquals(1, p.size());
        assertEquals("tls", p.getFirst().path());
        assertTrue(p.getFirst().message().startsWith("cannot be loaded: ca_file " + notPem + ": "), p.getFirst().message());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PemTls.load(new TlsConfig(notPem, null, null, null, null), "x"));
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
