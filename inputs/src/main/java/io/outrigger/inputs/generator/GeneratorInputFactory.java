package io.outrigger.inputs.generator;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.event.LogRecord;
import io.outrigger.core.event.Origin;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.Finalizer;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.InputFactory;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;

/** Makes {@code type: generator} inputs. */
public final class GeneratorInputFactory implements InputFactory<GeneratorInputConfig> {

    @Override public String type() { return "generator"; }

    @Override public Class<GeneratorInputConfig> configType() { return GeneratorInputConfig.class; }

    @Override public List<ConfigProblem> validate(GeneratorInputConfig c) {
        List<ConfigProblem> p = new ArrayList<>();
        if (c.interval().isNegative()) p.add(new ConfigProblem("interval", "must not be negative"));
        if (c.count() < 0) p.add(new ConfigProblem("count", "must be 0 (forever) or more, got " + c.count()));
        return p;
    }

    @Override public Input create(GeneratorInputConfig config, ComponentContext ctx) {
        return new Generator(ctx.name(), config, ctx.clock());
    }

    static final class Generator implements Input {
        private final String name;
        private final GeneratorInputConfig config;
        private final InstantSource clock;
        private volatile Thread thread;

        Generator(String name, GeneratorInputConfig config, InstantSource clock) {
            this.name = name;
            this.config = config;
            this.clock = clock;
        }

        static String render(String template, long seq, Instant now) {
            return template.replace("{{seq}}", Long.toString(seq)).replace("{{now}}", now.toString());
        }

        @Override public void start(Emitter emitter) {
            Origin origin = Origin.of(name, "generator");
            thread = Thread.ofPlatform().daemon(true).name("outrigger-input-" + name).start(() -> {
                try {
                    for (long seq = 1; config.count() == 0 || seq <= config.count(); seq++) {
                        Instant now = clock.instant();
                        String line = render(config.lines().get((int) ((seq - 1) % config.lines().size())), seq, now);
                        long nanos = LogRecord.epochNanos(now);
                        emitter.emit(List.of(LogRecord.of(nanos, line, origin, Finalizer.NONE, 0)));
                        if (!config.interval().isZero()) Thread.sleep(config.interval());
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }

        @Override public void stop(long deadlineNanos) throws InterruptedException {
            Thread t = thread;
            if (t == null) return;
            t.interrupt();
            t.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
        }
    }
}
