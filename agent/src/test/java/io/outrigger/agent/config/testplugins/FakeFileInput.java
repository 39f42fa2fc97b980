package io.outrigger.agent.config.testplugins;

import io.outrigger.core.config.ByteSize;
import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Emitter;
import io.outrigger.core.pipeline.Input;
import io.outrigger.core.pipeline.InputFactory;
import java.util.ArrayList;
import java.util.List;

/** A stand-in for the real {@code file} input: same shape of config, no reading. */
public final class FakeFileInput implements InputFactory<FakeFileInput.Config> {

    public record Config(List<String> paths, String readFrom, ByteSize maxLineBytes) {
        public Config {
            paths = paths == null ? List.of() : List.copyOf(paths);
            if (readFrom == null) readFrom = "tail";
            if (maxLineBytes == null) maxLineBytes = ByteSize.ofKiB(64);
        }
    }

    @Override public String type() { return "file"; }

    @Override public Class<Config> configType() { return Config.class; }

    @Override public List<ConfigProblem> validate(Config c) {
        List<ConfigProblem> p = new ArrayList<>();
        if (c.paths().isEmpty()) p.add(new ConfigProblem("paths", "at least one path is required"));
        if (!c.readFrom().equals("head") && !c.readFrom().equals("tail")) {
            p.add(new ConfigProblem("read_from", "\"" + c.readFrom() + "\" is not one of head, tail"));
        }
        return p;
    }

    @Override public Input create(Config config, ComponentContext context) {
        return new Input() {
            @Override public void start(Emitter emitter) {}

            @Override public void stop(long deadlineNanos) {}
        };
    }
}
