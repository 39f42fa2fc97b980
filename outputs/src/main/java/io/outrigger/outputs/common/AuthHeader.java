package io.outrigger.outputs.common;

import io.outrigger.core.config.HttpAuth;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Base64;

/**
 * The {@code Authorization} header an HTTP output sends for its {@link HttpAuth}: {@code Basic}, {@code Bearer}
 * (a token file is read again when its modification time changes, as Kubernetes rotates projected service account
 * tokens) or {@code ApiKey}. Thread-safe. Its {@code toString} never shows the secret.
 */
public final class AuthHeader {

    private final String fixed;
    private final Path tokenFile;
    private volatile Cached cached;

    private record Cached(FileTime modified, String header) {}

    private AuthHeader(String fixed, Path tokenFile) {
        this.fixed = fixed;
        this.tokenFile = tokenFile;
    }

    public static AuthHeader of(HttpAuth a) {
        if (a == null || a.isNone()) return new AuthHeader(null, null);
        if (a.isBasic()) {
            String pair = a.username() + ":" + (a.password() == null ? "" : a.password().reveal());
            return new AuthHeader("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)), null);
        }
        if (a.bearerToken() != null) return new AuthHeader("Bearer " + a.bearerToken().reveal(), null);
        if (a.apiKey() != null) return new AuthHeader("ApiKey " + a.apiKey().reveal(), null);
        return new AuthHeader(null, a.bearerTokenFile());
    }

    /** The header's value, or null when there is no auth. Throws when the token file cannot be read. */
    public String value() throws IOException {
        if (tokenFile == null) return fixed;
        FileTime modified = Files.getLastModifiedTime(tokenFile);
        Cached c = cached;
        if (c == null || !c.modified().equals(modified)) {
            c = new Cached(modified, "Bearer " + Files.readString(tokenFile, StandardCharsets.UTF_8).strip());
            cached = c;
        }
        return c.header();
    }

    @Override public String toString() {
        return fixed == null && tokenFile == null ? "AuthHeader[none]" : "AuthHeader[***]";
    }
}
