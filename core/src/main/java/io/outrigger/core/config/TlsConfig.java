package io.outrigger.core.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code tls} block every HTTP output takes: a CA bundle to trust ({@code ca_file}) or the SHA-256 fingerprint
 * of the CA certificate to trust instead ({@code ca_fingerprint}, hex, colons optional, as Elasticsearch prints it at
 * first start), an optional client certificate and key (PEM), and verification, on unless
 * {@code insecure_skip_verify} says otherwise.
 */
public record TlsConfig(Path caFile, Path certFile, Path keyFile, Boolean insecureSkipVerify, String caFingerprint) {

    public static final TlsConfig DEFAULT = new TlsConfig(null, null, null, null, null);

    public TlsConfig {
        if (insecureSkipVerify == null) insecureSkipVerify = false;
    }

    public List<ConfigProblem> validate() {
        List<ConfigProblem> p = new ArrayList<>();
        checkReadable(p, "ca_file", caFile);
        checkReadable(p, "cert_file", certFile);
        checkReadable(p, "key_file", keyFile);
        if ((certFile == null) != (keyFile == null)) {
            p.add(new ConfigProblem(certFile == null ? "cert_file" : "key_file", "cert_file and key_file go together: set both or neither"));
        }
        return p;
    }

    private static void checkReadable(List<ConfigProblem> p, String key, Path file) {
        if (file == null) return;
        if (!Files.isRegularFile(file)) p.add(new ConfigProblem(key, "no such file: " + file));
        else if (!Files.isReadable(file)) p.add(new ConfigProblem(key, "file is not readable: " + file));
    }
}
