package io.outrigger.core.pipeline;

import java.util.List;

/**
 * Reference count that tells a source when a record is done with: delivered by every output it was routed to,
 * written to dead letters, or dropped on purpose (and counted). A file input only advances its checkpoint past
 * records whose finalizer was released by every holder. A record that is never released is never committed, so
 * it is read again after a restart.
 *
 * <p>Whoever passes one record to several places calls {@link #retain(int)} first; each place calls
 * {@link #release()} once.
 */
public interface Finalizer {

    /** A finalizer for records that nobody waits on (dry-run, tests, sources without checkpoints). */
    Finalizer NONE = new Finalizer() {
        @Override public void retain(int count) {}
        @Override public void release() {}
        @Override public String toString() { return "Finalizer.NONE"; }
    };

    /** Adds {@code count} holders. */
    void retain(int count);

    /** One holder is done. */
    void release();

    /** A finalizer for a record made by joining others (multiline): releasing it releases all of theirs. */
    static Finalizer all(List<Finalizer> parts) {
        List<Finalizer> distinct = parts.stream().filter(f -> f != NONE).toList();
        if (distinct.isEmpty()) return NONE;
        if (distinct.size() == 1) return distinct.getFirst();
        return new Finalizer() {
            @Override public void retain(int count) { for (Finalizer f : distinct) f.retain(count); }
            @Override public void release() { for (Finalizer f : distinct) f.release(); }
        };
    }
}
