package io.outrigger.outputs.file;

import io.outrigger.core.config.ConfigProblem;
import io.outrigger.core.pipeline.Batch;
import io.outrigger.core.pipeline.ComponentContext;
import io.outrigger.core.pipeline.Output;
import io.outrigger.core.pipeline.OutputFactory;
import io.outrigger.core.pipeline.Reason;
import io.outrigger.core.pipeline.SendResult;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Makes {@code type: file} outputs. */
public final class FileOutputFactory implements OutputFactory<FileOutputConfig> {

    @Override public String type() { return "file"; }

    @Override public Class<FileOutputConfig> configType() { return FileOutputConfig.class; }

    @Override public List<ConfigProblem> validate(FileOutputConfig config) {
        List<ConfigProblem> p = new ArrayList<>(config.validateShared());
        if (config.path() == null) {
            p.add(new ConfigProblem("path", "is required: the file to append JSON lines to"));
        } else if (Files.isDirectory(config.path())) {
            p.add(new ConfigProblem("path", "is a directory: " + config.path()));
        }
        return p;
    }

    @Override public Output create(FileOutputConfig config, ComponentContext context) {
        return new FileOutput(config.path(), config.fsync());
    }

    /**
     * Opens the file lazily and again after an error, so a directory that appears later, or a disk that frees
     * up, lets delivery resume; until then batches are answered retryable.
     */
    static final class FileOutput implements Output {
        private final Path path;
        private final boolean fsync;
        private final JsonLinesWriter writer = new JsonLinesWriter();
        private FileChannel channel;
        private OutputStream out;

        FileOutput(Path path, boolean fsync) {
            this.path = path;
            this.fsync = fsync;
        }

        @Override public synchronized CompletableFuture<SendResult> send(Batch batch) {
            try {
                if (out == null) {
                    Path parent = path.toAbsolutePath().getParent();
                    if (parent != null) Files.createDirectories(parent);
                    boolean partial = endsInPartialLine();
                    channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
                    out = Channels.newOutputStream(channel);
                    if (partial) out.write('\n');
                }
            } catch (IOException e) {
                return CompletableFuture.completedFuture(new SendResult.Retryable(Reason.IO_ERROR, "cannot open " + path + ": " + e.getMessage()));
            }
            SendResult result = writer.write(batch, out);
            if (result instanceof SendResult.Delivered && fsync) {
                try {
                    channel.force(false);
                } catch (IOException e) {
                    result = new SendResult.Retryable(Reason.IO_ERROR, "fsync " + path + ": " + e.getMessage());
                }
            }
            if (!(result instanceof SendResult.Delivered)) closeQuietly();
            return CompletableFuture.completedFuture(result);
        }

        /**
         * A crash in the middle of a write can leave half a line at the end of the file; start on a fresh line so
         * the records written now stay readable (the half line is re-sent whole, as it was never acknowledged).
         */
        private boolean endsInPartialLine() throws IOException {
            if (!Files.isRegularFile(path)) return false;
            try (FileChannel read = FileChannel.open(path, StandardOpenOption.READ)) {
                long size = read.size();
                if (size == 0) return false;
                java.nio.ByteBuffer last = java.nio.ByteBuffer.allocate(1);
                read.read(last, size - 1);
                return last.get(0) != '\n';
            }
        }

        private void closeQuietly() {
            try {
                if (channel != null) channel.close();
            } catch (IOException ignored) {
                // reopened on the next send
            }
            channel = null;
            out = null;
        }

        @Override public synchronized void close() { closeQuietly(); }
    }
}
