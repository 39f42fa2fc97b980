package io.outrigger.inputs.prometheus;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.config.Durations;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.InputFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Makes {@code type: prometheus_scrape} inputs. */
public final class PrometheusScrapeInputFactory implements InputFactory<PrometheusScrapeConfig> {

    @Override public String type() { return "prometheus_scrape"; }

    @Override public Class<PrometheusScrapeConfig> configType() { return PrometheusScrapeConfig.class; }

    @Override public List<ConfigProblem> validate(PrometheusScrapeConfig c) {
        List<ConfigProblem> p = new ArrayList<>();
        if (c.url() == null || c.url().isBlank()) {
            p.add(new ConfigProblem("url", "required: the endpoint to scrape, e.g. http://localhost:8080/metrics"));
        } else {
            try {
                URI u = new URI(c.url());
                if (u.getScheme() == null || !(u.getScheme().equals("http") || u.getScheme().equals("https")) || u.getHost() == null) {
                    p.add(new ConfigProblem("url", "invalid URI \"" + c.url() + "\" (expected http:// or https://)"));
                }
            } catch (URISyntaxException e) {
                p.add(new ConfigProblem("url", "invalid URI \"" + c.url() + "\" (expected http:// or https://)"));
            }
        }
        boolean intervalOk = c.interval().toMillis() >= 100;
        if (!intervalOk) p.add(new ConfigProblem("interval", "must be at least 100ms, got " + Durations.format(c.interval())));
        if (c.timeout().isNegative() || c.timeout().isZero()) {
            p.add(new ConfigProblem("timeout", "must be positive"));
        } else if (intervalOk && c.timeout().compareTo(c.interval()) >= 0) {
            p.add(new ConfigProblem("timeout", "must be less than interval (" + Durations.format(c.interval()) + "), got "
                    + Durations.format(c.timeout())));
        }
        for (Map.Entry<String, String> e : c.labels().entrySet()) {
            String key = "labels." + e.getKey();
            if (!TextFormatParser.isLabelName(e.getKey()) || e.getKey().startsWith("__")) {
                p.add(new ConfigProblem(key, "invalid label name (expected [a-zA-Z_][a-zA-Z0-9_]*, not starting with __)"));
            }
            if (e.getValue() == null) p.add(new ConfigProblem(key, "needs a value"));
        }
        return p;
    }

    @Override public Input create(PrometheusScrapeConfig config, ComponentContext context) {
        return new PrometheusScrapeInput(config, context);
    }
}
