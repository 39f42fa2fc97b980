package io.outrigger.outputs.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/**
 * A file channel on a disk with {@code room} bytes left: writes are cut there and then fail with ENOSPC's words, as a
 * real full disk answers (a partial write, then an error). Truncating gives the room back.
 */
final class FullDiskChannel extends FileChannel {

    private final FileChannel real;
    private long room;

    FullDiskChannel(FileChannel real, long room) {
        this.real = real;
        this.room = room;
    }

    @Override public int write(ByteBuffer src) throws IOException {
        if (room <= 0) throw new IOException("No space left on device");
        int n = (int) Math.min(src.remaining(), room);
        ByteBuffer part = src.slice(src.position(), n);
        int written = real.write(part);
        src.position(src.position() + written);
        room -= written;
        return written;
    }

    @Override public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        long total = 0;
        for (int i = offset; i < offset + length; i++) total += write(srcs[i]);
        return total;
    }

    @Override public FileChannel truncate(long size) throws IOException {
        room += Math.max(0, real.size() - size);
        real.truncate(size);
        return this;
    }

    @Override public int read(ByteBuffer dst) throws IOException { return real.read(dst); }
    @Override public long read(ByteBuffer[] dsts, int offset, int length) throws IOException { return real.read(dsts, offset, length); }
    @Override public long position() throws IOException { return real.position(); }
    @Override public FileChannel position(long newPosition) throws IOException { real.position(newPosition); return this; }
    @Override public long size() throws IOException { return real.size(); }
    @Override public void force(boolean metaData) throws IOException { real.force(metaData); }
    @Override public long transferTo(long position, long count, WritableByteChannel target) throws IOException { throw new IOException("unsupported"); }
    @Override public long transferFrom(ReadableByteChannel src, long position, long count) throws IOException { throw new IOException("unsupported"); }
    @Override public int read(ByteBuffer dst, long position) throws IOException { return real.read(dst, position); }
    @Override public int write(ByteBuffer src, long position) throws IOException { throw new IOException("unsupported"); }
    @Override public MappedByteBuffer map(MapMode mode, long position, long size) throws IOException { throw new IOException("unsupported"); }
    @Override public FileLock lock(long position, long size, boolean shared) throws IOException { return real.lock(position, size, shared); }
    @Override public FileLock tryLock(long position, long size, boolean shared) throws IOException { return real.tryLock(position, size, shared); }
    @Override protected void implCloseChannel() throws IOException { real.close(); }
}
