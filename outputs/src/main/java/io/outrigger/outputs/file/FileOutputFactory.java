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
     * up, lets delivery resume; until then batches are answered retryable. A write that fails part way (a full
     * disk) is cut back to the end of the last complete record before the batch is retried, so no torn line is
     * left to be glued to the next record.
     */
    static final class FileOutput implements Output {

        /** Opens the file for appending; tests pass one that fails as a full disk does. */
        interface Opener {
            FileChannel open(Path path) throws IOException;
        }

        private final Path path;
        private final boolean fsync;
        private final Opener opener;
        private final JsonLinesWriter writer = new JsonLinesWriter();
        private FileChannel channel;
        private OutputStream out;

        FileOutput(Path path, boolean fsync) {
            this(path, fsync, p -> FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND));
        }

        FileOutput(Path path, boolean fsync, Opener opener) {
            this.path = path;
            this.fsync = fsync;
            this.opener = opener;
        }

        @Override public synchronized CompletableFuture<SendResult> send(Batch batch) {
            long complete;
            try {
                if (out == null) {
                    Path parent = path.toAbsolutePath().getParent();
                    if (parent != null) Files.createDirectories(parent);
                    boolean partial = endsInPartialLine();
                    channel = opener.open(path);
                    out = Channels.newOutputStream(channel);
                    if (partial) out.write('\n');
                }
                complete = channel.size(); // appending: the batch starts here
            } catch (IOException e) {
                closeQuietly();
                return CompletableFuture.completedFuture(new SendResult.Retryable(Reason.IO_ERROR, "cannot open " + path + ": " + e.getMessage()));
            }
            SendResult result = writer.write(batch, out);
            if (!(result instanceof SendResult.Delivered)) {
                try {
                    channel.truncate(complete);
                } catch (IOException e) {
                    // left as it is: the next open starts a fresh line after the torn one
                }
            }
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
