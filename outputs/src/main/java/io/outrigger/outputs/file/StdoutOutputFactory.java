package io.outrigger.outputs.file;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.pipeline.SendResult;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Makes {@code type: stdout} outputs. */
public final class StdoutOutputFactory implements OutputFactory<StdoutOutputConfig> {

    @Override public String type() { return "stdout"; }

    @Override public Class<StdoutOutputConfig> configType() { return StdoutOutputConfig.class; }

    @Override public List<ConfigProblem> validate(StdoutOutputConfig config) { return config.validateShared(); }

    @Override public Output create(StdoutOutputConfig config, ComponentContext context) {
        return new StdoutOutput(new FileOutputStream(FileDescriptor.out));
    }

    static final class StdoutOutput implements Output {
        private final OutputStream out;
        private final JsonLinesWriter writer = new JsonLinesWriter();

        StdoutOutput(OutputStream out) { this.out = out; }

        @Override public synchronized CompletableFuture<SendResult> send(Batch batch) {
            return CompletableFuture.completedFuture(writer.write(batch, out));
        }
    }
}
