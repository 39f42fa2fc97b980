package io.outrigger.core.config;

import java.nio.file.Path;

/**
 * The {@code auth} block every HTTP output takes: {@code username} + {@code password} (basic), or
 * {@code bearer_token}, or {@code bearer_token_file} (re-read when it changes: Kubernetes rotates projected tokens),
 * or {@code api_key} (Elasticsearch's {@code ApiKey} scheme, the base64 form it returns). At most one scheme; the
 * outputs' shared checks say so ({@code HttpChecks.auth}).
 *
 * <pre>
 * auth: {username: agent, password: "${PASSWORD}"}
 * auth: {bearer_token: "${TOKEN}"}
 * auth: {bearer_token_file: /var/run/secrets/tokens/loki}
 * auth: {api_key: "${ES_API_KEY}"}
 * </pre>
 */
public record HttpAuth(String username, Secret password, Secret bearerToken, Path bearerTokenFile, Secret apiKey) {

    public static final HttpAuth NONE = new HttpAuth(null, null, null, null, null);

    public static HttpAuth basic(String username, Secret password) { return new HttpAuth(username, password, null, null, null); }

    public static HttpAuth bearer(Secret token) { return new HttpAuth(null, null, token, null, null); }

    public boolean isBasic() { return username != null || password != null; }

    public boolean isNone() { return !isBasic() && bearerToken == null && bearerTokenFile == null && apiKey == null; }
}
