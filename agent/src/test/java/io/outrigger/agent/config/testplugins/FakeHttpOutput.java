package io.outrigger.agent.config.testplugins;

import io.outrigger.core.config.BatchConfig;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.OutputSettings;
import io.outrigger.core.config.RetryConfig;
import io.outrigger.core.config.Secret;
import io.outrigger.core.config.TlsConfig;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An output shaped like Loki / Elasticsearch: secrets, nested blocks, a map of labels. Its validate() is
 * deliberately careless with the password, to prove the loader masks secret values in messages.
 */
public final class FakeHttpOutput implements OutputFactory<FakeHttpOutput.Config> {

    public record BasicAuth(String username, Secret password) {}

    public record Config(String url, Secret password, BasicAuth basicAuth, Map<String, String> labels, Duration timeout,
                         BatchConfig batch, RetryConfig retry, TlsConfig tls, Integer concurrency)
            implements OutputSettings {
        public Config {
            labels = labels == null ? Map.of() : Map.copyOf(labels);
            if (timeout == null) timeout = Duration.ofSeconds(10);
            if (batch == null) batch = BatchConfig.DEFAULT;
            if (retry == null) retry = RetryConfig.DEFAULT;
            if (tls == null) tls = TlsConfig.DEFAULT;
            if (concurrency == null) concurrency = 2;
        }
    }

    @Override public String type() { return "http"; }

    @Override public Class<Config> configType() { return Config.class; }

    @Override public List<ConfigProblem> validate(Config c) {
        List<ConfigProblem> p = new ArrayList<>(c.validateShared());
        if (c.url() == null) {
            p.add(new ConfigProblem("url", "required"));
        } else if (!c.url().startsWith("http://") && !c.url().startsWith("https://")) {
            p.add(new ConfigProblem("url", "invalid URI \"" + c.url() + "\" (expected http:// or https://)"));
        }
        if (c.password() != null && c.password().reveal().length() < 8) {
            p.add(new ConfigProblem("password", "\"" + c.password().reveal() + "\" is shorter than 8 characters"));
        }
        if (c.basicAuth() != null && c.basicAuth().username() == null) {
            p.add(new ConfigProblem("basic_auth.username", "required with basic_auth"));
        }
        tls(c.tls()).forEach(x -> p.add(x.under("tls")));
        return p;
    }

    private static List<ConfigProblem> tls(TlsConfig tls) { return tls.validate(); }

    @Override public Output create(Config config, ComponentContext context) {
        return batch -> null;
    }
}
